import { type Cookie, cookieIdentity, serializeCookie, setCookieIdentity } from "./cookies";

/**
 * What Latch needs to write a response. Adapters implement the abstract members over their
 * framework's response; cookies are serialised here so every framework sends the same bytes.
 */
export abstract class BaseResponse {
  abstract setStatus(statusCode: number): void;
  /** Sets (replaces) a header. */
  abstract setHeader(name: string, value: string): void;
  /** The header's current values, if any. */
  abstract getHeader(name: string): string | string[] | undefined;
  abstract removeHeader(name: string): void;
  /** Replaces every Set-Cookie value with this list. */
  abstract setCookieHeaders(values: string[]): void;
  /** Sends `body` as JSON with this status and ends the response. */
  abstract sendJson(statusCode: number, body: unknown): void;

  /**
   * Adds a Set-Cookie value, replacing one set earlier in this response for the same cookie
   * (same name, path and domain), so that setting tokens twice sends only the last ones.
   */
  setCookie(cookie: Cookie): void {
    const header = serializeCookie(cookie);
    const existing = toList(this.getHeader("set-cookie"));
    if (existing.length === 0) {
      this.setCookieHeaders([header]);
      return;
    }
    const identity = cookieIdentity(cookie.name, cookie.path, cookie.domain);
    this.setCookieHeaders([...existing.filter((value) => setCookieIdentity(value) !== identity), header]);
  }

  /** Appends names to Access-Control-Expose-Headers, keeping whatever the app put there. */
  exposeHeaders(...names: string[]): void {
    const merged = mergeHeaderNames(toList(this.getHeader("access-control-expose-headers")), names);
    if (merged !== undefined) this.setHeader("access-control-expose-headers", merged);
  }
}

/**
 * A comma-separated list of header names (Access-Control-Expose-Headers) with `names` appended,
 * case-insensitively once each; undefined when every name is already there.
 */
export function mergeHeaderNames(current: readonly string[], names: readonly string[]): string | undefined {
  const list = current
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
  const lower = new Set(list.map((value) => value.toLowerCase()));
  const added = names.map((name) => name.trim()).filter((name) => name !== "" && !lower.has(name.toLowerCase()));
  return added.length > 0 ? [...list, ...added].join(", ") : undefined;
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
