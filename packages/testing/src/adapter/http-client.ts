/**
 * A minimal HTTP client for the conformance suite: real requests with Node's fetch, a cookie jar
 * that honours Path and expiry (all tests talk to one host), and helpers to read Set-Cookie.
 */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flags (HttpOnly, Secure) map to "". */
  attributes: Record<string, string>;
  raw: string;
}

export function parseSetCookie(raw: string): ParsedSetCookie {
  const [pair = "", ...rest] = raw.split(";");
  const eq = pair.indexOf("=");
  const attributes: Record<string, string> = {};
  for (const part of rest) {
    const i = part.indexOf("=");
    const key = (i === -1 ? part : part.slice(0, i)).trim().toLowerCase();
    attributes[key] = i === -1 ? "" : part.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, raw };
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  text: string;
  setCookies: ParsedSetCookie[];
  cookie(name: string): ParsedSetCookie | undefined;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  json?: unknown;
  /** Send the jar's cookies (default true). */
  cookies?: boolean;
}

interface StoredCookie {
  value: string;
  path: string;
  expires: number | undefined;
}

export class HttpClient {
  /** name -> path -> cookie */
  readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** Tokens of header mode, as a browser SDK would keep them. */
  accessToken: string | undefined;
  refreshToken: string | undefined;
  antiCsrf: string | undefined;
  frontToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.json !== undefined) headers["content-type"] = "application/json";
    const cookieHeader = options.cookies === false ? "" : this.cookieHeaderFor(path);
    if (cookieHeader && headers.cookie === undefined) headers.cookie = cookieHeader;
    const response = await fetch(this.baseUrl + path, {
      method: options.method ?? "GET",
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      redirect: "manual",
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const setCookies = response.headers.getSetCookie().map(parseSetCookie);
    if (options.cookies !== false) this.#store(setCookies);
    this.#storeHeaderTokens(response.headers);
    return {
      status: response.status,
      headers: response.headers,
      body,
      text,
      setCookies,
      cookie: (name) => setCookies.filter((c) => c.name === name).at(-1),
    };
  }

  get(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request(path, { ...options, method: "GET" });
  }

  post(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.request(path, { ...options, method: "POST" });
  }

  /** The current value of a cookie in the jar (any path). */
  cookieValue(name: string): string | undefined {
    const paths = this.jar.get(name);
    if (!paths) return undefined;
    for (const cookie of paths.values()) if (!isExpired(cookie)) return cookie.value;
    return undefined;
  }

  setCookie(name: string, value: string, path = "/"): void {
    let paths = this.jar.get(name);
    if (!paths) {
      paths = new Map();
      this.jar.set(name, paths);
    }
    paths.set(path, { value, path, expires: undefined });
  }

  cookieHeaderFor(path: string): string {
    const pairs: string[] = [];
    for (const [name, paths] of this.jar) {
      for (const cookie of paths.values()) {
        if (!isExpired(cookie) && pathMatches(path, cookie.path)) pairs.push(`${name}=${cookie.value}`);
      }
    }
    return pairs.join("; ");
  }

  #store(cookies: ParsedSetCookie[]): void {
    for (const cookie of cookies) {
      const path = cookie.attributes.path || "/";
      const expires = cookie.attributes.expires ? Date.parse(cookie.attributes.expires) : undefined;
      let paths = this.jar.get(cookie.name);
      if (!paths) {
        paths = new Map();
        this.jar.set(cookie.name, paths);
      }
      if ((expires !== undefined && expires <= Date.now()) || cookie.value === "") paths.delete(path);
      else paths.set(path, { value: cookie.value, path, expires });
    }
  }

  #storeHeaderTokens(headers: Headers): void {
    const access = headers.get("st-access-token");
    if (access !== null) this.accessToken = access === "" ? undefined : access;
    const refresh = headers.get("st-refresh-token");
    if (refresh !== null) this.refreshToken = refresh === "" ? undefined : refresh;
    const antiCsrf = headers.get("anti-csrf");
    if (antiCsrf !== null) this.antiCsrf = antiCsrf;
    const front = headers.get("front-token");
    if (front !== null) this.frontToken = front === "remove" ? undefined : front;
  }
}

function isExpired(cookie: StoredCookie): boolean {
  return cookie.expires !== undefined && cookie.expires <= Date.now();
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  const path = requestPath.split("?")[0] ?? "/";
  if (cookiePath === "/" || path === cookiePath) return true;
  return path.startsWith(cookiePath.endsWith("/") ? cookiePath : `${cookiePath}/`);
}

/** Decodes a front-token header (standard base64 JSON). */
export function decodeFrontTokenHeader(value: string): { uid: string; ate: number; up: Record<string, unknown> } {
  return JSON.parse(Buffer.from(value, "base64").toString("utf8")) as { uid: string; ate: number; up: Record<string, unknown> };
}

/** Splits Access-Control-Expose-Headers into lower-case names. */
export function exposedHeaders(headers: Headers): string[] {
  return (headers.get("access-control-expose-headers") ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}
