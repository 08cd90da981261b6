import { BaseResponse, mergeHeaderNames } from "../http/base-response";

const EXPOSE_HEADERS = "access-control-expose-headers";

/**
 * Collects what Latch sets (status, headers, Set-Cookie values, a JSON body) for frameworks where
 * the handler returns its response instead of writing to one: Fetch-based frameworks get a
 * standard `Response` (or Latch's headers added to the app's), others read the plain lists.
 */
export class WebResponse extends BaseResponse {
  #status: number | undefined;
  #body: string | undefined;
  readonly #headers = new Map<string, string>();
  readonly #removed = new Set<string>();
  #setCookies: string[] = [];

  setStatus(statusCode: number): void {
    this.#status = statusCode;
  }

  setHeader(name: string, value: string): void {
    const key = name.toLowerCase();
    this.#headers.set(key, value);
    this.#removed.delete(key);
  }

  getHeader(name: string): string | string[] | undefined {
    const key = name.toLowerCase();
    return key === "set-cookie" ? this.#setCookies : this.#headers.get(key);
  }

  removeHeader(name: string): void {
    const key = name.toLowerCase();
    this.#headers.delete(key);
    this.#removed.add(key);
  }

  setCookieHeaders(values: string[]): void {
    this.#setCookies = [...values];
  }

  sendJson(statusCode: number, body: unknown): void {
    this.#status = statusCode;
    this.#body = JSON.stringify(body);
  }

  /** Whether Latch answered (its routes, its errors) rather than only adding headers. */
  get answered(): boolean {
    return this.#body !== undefined;
  }

  /** The status Latch set, if any. */
  get status(): number | undefined {
    return this.#status;
  }

  /** The JSON body Latch sent, if any. */
  get body(): string | undefined {
    return this.#body;
  }

  /** Set-Cookie values, one per cookie. */
  get setCookies(): readonly string[] {
    return this.#setCookies;
  }

  /** Headers Latch set, lower-case names (Set-Cookie not included: see `setCookies`). */
  get headers(): ReadonlyMap<string, string> {
    return this.#headers;
  }

  /** Headers Latch removed (for example an old `st-access-token`): drop them from the app's response. */
  get removedHeaders(): ReadonlySet<string> {
    return this.#removed;
  }

  /** Every header as a list of pairs, one pair per Set-Cookie value. */
  headerList(): Array<[string, string]> {
    return [...this.#headers, ...this.#setCookies.map((value): [string, string] => ["set-cookie", value])];
  }

  /**
   * Whether Latch set, removed or answered anything: when false the app's response can go out as it
   * is (the common case, a verified session that needed no new tokens), at the cost of a few reads.
   */
  get modified(): boolean {
    return (
      this.#body !== undefined ||
      this.#status !== undefined ||
      this.#headers.size > 0 ||
      this.#removed.size > 0 ||
      this.#setCookies.length > 0
    );
  }

  /**
   * Writes Latch's headers and cookies into mutable `headers` (a framework's response being built):
   * removed headers are dropped, Set-Cookie values appended, and names Latch exposes to CORS added
   * to an Access-Control-Expose-Headers the app set instead of replacing it.
   */
  applyToHeaders(headers: Headers): void {
    for (const name of this.#removed) headers.delete(name);
    for (const [name, value] of this.#headers) {
      const merged = name === EXPOSE_HEADERS ? mergedExposeHeaders(headers.get(EXPOSE_HEADERS), value) : value;
      headers.set(name, merged);
    }
    for (const value of this.#setCookies) headers.append("set-cookie", value);
  }

  /**
   * Latch's own answer as a standard `Response`. `baseHeaders` are the ones the framework already
   * set for this response (CORS, for example): kept, with Latch's added as `applyToHeaders` does.
   */
  toResponse(baseHeaders?: HeadersInit): Response {
    const headers = new Headers(baseHeaders);
    // The base belongs to a response that is not sent: its body's length and type do not apply.
    headers.delete("content-length");
    headers.set("content-type", "application/json; charset=utf-8");
    this.applyToHeaders(headers);
    return new Response(this.#body ?? null, { status: this.#status ?? 200, headers });
  }

  /**
   * The app's `Response` with Latch's headers and cookies added. Responses may have immutable
   * headers (`Response.redirect`, a `fetch` result), so a copy sharing the body is returned.
   */
  applyTo(response: Response): Response {
    if (this.#headers.size === 0 && this.#removed.size === 0 && this.#setCookies.length === 0) return response;
    const headers = new Headers(response.headers);
    this.applyToHeaders(headers);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/** The app's exposed names followed by Latch's (each once). */
function mergedExposeHeaders(appValue: string | null, latchValue: string): string {
  if (appValue === null) return latchValue;
  return mergeHeaderNames([appValue], latchValue.split(",")) ?? appValue;
}
