// The one Node bridge: IncomingMessage/ServerResponse as Latch's BaseRequest/BaseResponse.
// Express, Koa, Nest (on Express), LoopBack and plain node:http adapters build on it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidInputError } from "../errors";
import { BaseRequest, type HttpMethod } from "../http/base-request";
import { BaseResponse } from "../http/base-response";
import { bindBaseObjects, registerWrapperResolver } from "../http/binding";

const MAX_BODY_BYTES = 1024 * 1024;

/** A request whose body a framework may already have parsed (Express, Koa and others put it on `req.body`). */
type MaybeParsedRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

export class NodeRequest extends BaseRequest {
  #body: Promise<string> | undefined;

  constructor(readonly original: MaybeParsedRequest) {
    super();
  }

  getMethod(): HttpMethod {
    return (this.original.method ?? "GET").toUpperCase() as HttpMethod;
  }

  getOriginalUrl(): string {
    return this.original.originalUrl ?? this.original.url ?? "/";
  }

  getHeader(name: string): string | undefined {
    const value = this.original.headers[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(name.toLowerCase() === "cookie" ? "; " : ", ") : value;
  }

  override getClientIp(): string | undefined {
    return this.original.socket?.remoteAddress;
  }

  /** The body a framework already parsed, if any; adapters whose framework keeps it elsewhere override this. */
  protected parsedBody(): unknown {
    return this.original.body;
  }

  async getJsonBody(): Promise<unknown> {
    const parsed = this.parsedBody();
    if (parsed !== undefined && typeof parsed !== "string" && !isBuffer(parsed)) return parsed;
    const text = typeof parsed === "string" ? parsed : isBuffer(parsed) ? parsed.toString("utf8") : await this.#readBody();
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new InvalidInputError("body", "is not valid JSON");
    }
  }

  async getFormBody(): Promise<Record<string, string>> {
    const parsed = this.parsedBody();
    if (parsed !== undefined && typeof parsed === "object" && parsed !== null && !isBuffer(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    }
    const text = typeof parsed === "string" ? parsed : await this.#readBody();
    return Object.fromEntries(new URLSearchParams(text));
  }

  #readBody(): Promise<string> {
    this.#body ??= readStream(this.original);
    return this.#body;
  }
}

function isBuffer(value: unknown): value is Buffer {
  return typeof Buffer !== "undefined" && Buffer.isBuffer(value);
}

function readStream(req: IncomingMessage): Promise<string> {
  if (req.readableEnded || !req.readable) return Promise.resolve("");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InvalidInputError("body", `is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export class NodeResponse extends BaseResponse {
  constructor(readonly original: ServerResponse) {
    super();
  }

  setStatus(statusCode: number): void {
    this.original.statusCode = statusCode;
  }

  setHeader(name: string, value: string): void {
    if (!this.original.headersSent) this.original.setHeader(name, value);
  }

  getHeader(name: string): string | string[] | undefined {
    const value = this.original.getHeader(name);
    return typeof value === "number" ? String(value) : value;
  }

  removeHeader(name: string): void {
    if (!this.original.headersSent) this.original.removeHeader(name);
  }

  setCookieHeaders(values: string[]): void {
    if (!this.original.headersSent) this.original.setHeader("set-cookie", values);
  }

  sendJson(statusCode: number, body: unknown): void {
    if (this.original.headersSent) return;
    const json = JSON.stringify(body);
    this.original.statusCode = statusCode;
    this.original.setHeader("content-type", "application/json; charset=utf-8");
    this.original.setHeader("content-length", Buffer.byteLength(json));
    this.original.end(json);
  }
}

/** Wraps (once) and binds the wrappers to the native objects, so `createNewSession(req, res, ...)` works with them. */
export function wrapNode(req: IncomingMessage, res: ServerResponse): { request: NodeRequest; response: NodeResponse } {
  const request = new NodeRequest(req);
  const response = new NodeResponse(res);
  bindBaseObjects(req, request, res, response);
  return { request, response };
}

// Node's own request and response (and Express's, which are the same objects), recognised by
// shape, so core accepts `createNewSession(req, res, ...)` with them in any route. Wrapped on
// demand and not bound: adapters no longer bind every request (a property on each native object,
// about 1.5 µs each plus GC, bench/OPTIMISATIONS.md), and two wrappers of one request read the same
// headers and cookies. (Only Latch's own routes read a body, through their adapter's wrappers.)
type NodeLike = {
  httpVersion?: unknown;
  method?: unknown;
  rawHeaders?: unknown;
  writeHead?: unknown;
  setHeader?: unknown;
  getHeader?: unknown;
};
const isNodeRequest = (native: NodeLike): native is IncomingMessage =>
  typeof native.httpVersion === "string" && typeof native.method === "string" && Array.isArray(native.rawHeaders);
const isNodeResponse = (native: NodeLike): native is ServerResponse =>
  typeof native.writeHead === "function" && typeof native.setHeader === "function" && typeof native.getHeader === "function";

registerWrapperResolver({
  request: (native: NodeLike) => (isNodeRequest(native) ? new NodeRequest(native) : undefined),
  response: (native: NodeLike) => (isNodeResponse(native) ? new NodeResponse(native) : undefined),
});
