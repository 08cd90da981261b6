import { InvalidInputError } from "../errors";
import { BaseRequest, type HttpMethod } from "../http/base-request";

/** The largest body Latch reads (the same limit as the Node bridge). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A WHATWG `Request` as Latch's request: for runtimes and frameworks built on Fetch (Next.js route
 * handlers and middleware, edge runtimes, Lambda's Function URL streaming, Deno, Bun).
 */
export class WebRequest extends BaseRequest {
  #target: string | undefined;
  #body: Promise<string> | undefined;

  constructor(readonly original: Request) {
    super();
  }

  getMethod(): HttpMethod {
    return this.original.method.toUpperCase() as HttpMethod;
  }

  getOriginalUrl(): string {
    this.#target ??= pathAndQuery(this.original.url);
    return this.#target;
  }

  getHeader(name: string): string | undefined {
    return this.original.headers.get(name) ?? undefined;
  }

  async getJsonBody(): Promise<unknown> {
    const text = await this.#text();
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new InvalidInputError("body", "is not valid JSON");
    }
  }

  async getFormBody(): Promise<Record<string, string>> {
    return Object.fromEntries(new URLSearchParams(await this.#text()));
  }

  /** Reads a clone, so the app can still read the body itself. */
  #text(): Promise<string> {
    this.#body ??= this.original.bodyUsed || !this.original.body ? Promise.resolve("") : readLimited(this.original.clone());
    return this.#body;
  }
}

/**
 * Path and query of a `Request`'s URL. `request.url` is already parsed and serialised (absolute,
 * normalised, no credentials), so slicing it gives what `new URL()` would, without parsing it again
 * on every request (Latch reads it to match its routes). Some runtimes keep a fragment: cut off.
 */
function pathAndQuery(url: string): string {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  if (path === -1) return "/";
  const fragment = url.indexOf("#", path);
  return fragment === -1 ? url.slice(path) : url.slice(path, fragment);
}

async function readLimited(request: Request): Promise<string> {
  const body = request.body;
  if (!body) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      // Not awaited: cancelling one branch of a cloned (teed) body settles only once the other
      // branch, the app's, is cancelled too.
      reader.cancel().catch(() => {});
      throw new InvalidInputError("body", `is larger than ${MAX_BODY_BYTES} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
