import { parseCookieHeader } from "./cookies";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" | "TRACE" | "CONNECT";

/**
 * What Latch needs of an incoming request, and nothing more. Each framework adapter implements
 * the abstract members over its native request; parsing (cookies, URL) happens here, once.
 */
export abstract class BaseRequest {
  #cookies: Map<string, string[]> | undefined;
  #url: URL | undefined;
  #path: string | undefined;

  /** Upper-case HTTP method. */
  abstract getMethod(): HttpMethod;
  /** The request target as received: path and query, e.g. "/auth/session/refresh?x=1". */
  abstract getOriginalUrl(): string;
  /** A header by lower-case name; several values are joined with ", " (cookies with "; "). */
  abstract getHeader(name: string): string | undefined;
  /** The body parsed as JSON (or an already-parsed body); undefined when there is none. */
  abstract getJsonBody(): Promise<unknown>;
  /** The body parsed as a URL-encoded form; an empty object when there is none. */
  abstract getFormBody(): Promise<Record<string, string>>;

  /**
   * The address of the connection's peer (the client, or the last proxy before the app), as the
   * runtime reports it; undefined where it is not known. Adapters override this.
   */
  getClientIp(): string | undefined {
    return undefined;
  }

  /** The path without the query string. */
  getPath(): string {
    if (this.#path === undefined) {
      const target = this.getOriginalUrl();
      // The usual origin-form target ("/path?query") needs no URL parser: this runs on every request.
      const end = target.search(/[?#]/);
      this.#path = target.startsWith("/") ? (end === -1 ? target : target.slice(0, end)) : this.#parsedUrl().pathname;
    }
    return this.#path;
  }

  getQuery(name: string): string | undefined {
    return this.#parsedUrl().searchParams.get(name) ?? undefined;
  }

  /** The first cookie of this name. */
  getCookie(name: string): string | undefined {
    return this.getCookies(name)[0];
  }

  /** Every cookie of this name, in the order sent. */
  getCookies(name: string): string[] {
    this.#cookies ??= parseCookieHeader(this.getHeader("cookie"));
    return this.#cookies.get(name) ?? [];
  }

  #parsedUrl(): URL {
    if (!this.#url) {
      try {
        this.#url = new URL(this.getOriginalUrl(), "http://localhost");
      } catch {
        this.#url = new URL("http://localhost/");
      }
    }
    return this.#url;
  }
}
