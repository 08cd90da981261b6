import type { CookieSameSite } from "../config";

/** A cookie as Latch sets it; serialised once, here, for every framework. */
export interface Cookie {
  name: string;
  value: string;
  /** Absolute expiry (ms since epoch); 0 clears the cookie. */
  expires: number;
  path: string;
  domain?: string | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieSameSite;
}

// RFC 6265 token characters for names; values are our own tokens (base64url, JWTs), which need no encoding.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#-+\--:<-[\]-~]*$/;

export function serializeCookie(cookie: Cookie): string {
  if (!COOKIE_NAME.test(cookie.name)) throw new TypeError(`invalid cookie name ${JSON.stringify(cookie.name)}`);
  if (!COOKIE_VALUE.test(cookie.value)) throw new TypeError(`invalid characters in the value of cookie ${cookie.name}`);
  let header = `${cookie.name}=${cookie.value}; Path=${cookie.path}; Expires=${new Date(cookie.expires).toUTCString()}`;
  if (cookie.domain) header += `; Domain=${cookie.domain}`;
  if (cookie.httpOnly) header += "; HttpOnly";
  if (cookie.secure) header += "; Secure";
  header += `; SameSite=${cookie.sameSite === "none" ? "None" : cookie.sameSite === "strict" ? "Strict" : "Lax"}`;
  return header;
}

/** Name, path and domain of a Set-Cookie value: two values with the same identity replace each other. */
export function setCookieIdentity(header: string): string {
  const [pair = "", ...attributes] = header.split(";");
  const name = pair.slice(0, pair.indexOf("=")).trim();
  let path = "";
  let domain = "";
  for (const attribute of attributes) {
    const [key = "", value = ""] = attribute.split("=", 2).map((s) => s.trim());
    if (key.toLowerCase() === "path") path = value;
    else if (key.toLowerCase() === "domain") domain = value;
  }
  return cookieIdentity(name, path, domain);
}

/** The identity of a cookie from its parts: what `setCookieIdentity` reads back from its header. */
export function cookieIdentity(name: string, path: string, domain: string | undefined): string {
  return `${name};${path};${(domain ?? "").replace(/^\./, "").toLowerCase()}`;
}

/**
 * Parses a Cookie request header into name -> values, keeping duplicates in order (a browser sends
 * one per matching domain/path, which is how an old cookieDomain shows up). Never throws: a
 * malformed pair is skipped, and a value that is not valid percent-encoding is kept as sent.
 */
export function parseCookieHeader(header: string | undefined): Map<string, string[]> {
  const cookies = new Map<string, string[]>();
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    value = safeDecode(value);
    const values = cookies.get(name);
    if (values) values.push(value);
    else cookies.set(name, [value]);
  }
  return cookies;
}

function safeDecode(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
