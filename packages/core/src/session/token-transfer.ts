import type { NormalisedConfig, TokenTransferMethod } from "../config";
import type { BaseRequest } from "../http/base-request";
import type { BaseResponse } from "../http/base-response";
import type { Cookie } from "../http/cookies";
import { type ParsedAccessToken, parseAccessToken } from "../tokens/access-token";
import { type ParsedRefreshToken, parseRefreshToken } from "../tokens/refresh-token";

// Names of the wire protocol (../shared/protocol.md); the browser SDKs depend on each of them.
export const ACCESS_TOKEN_COOKIE = "sAccessToken";
export const REFRESH_TOKEN_COOKIE = "sRefreshToken";
export const LEGACY_ID_REFRESH_TOKEN_COOKIE = "sIdRefreshToken";
export const ACCESS_TOKEN_HEADER = "st-access-token";
export const REFRESH_TOKEN_HEADER = "st-refresh-token";
export const FRONT_TOKEN_HEADER = "front-token";
export const ANTI_CSRF_HEADER = "anti-csrf";
export const RID_HEADER = "rid";
export const AUTH_MODE_HEADER = "st-auth-mode";

/** Request headers a cross-origin app must allow in CORS (plus content-type for JSON bodies). */
export const CORS_ALLOWED_HEADERS = [ANTI_CSRF_HEADER, RID_HEADER, "fdi-version", "authorization", AUTH_MODE_HEADER];

/** The Bearer credential of the Authorization header, if any. */
export function bearerToken(req: BaseRequest): string | undefined {
  const value = req.getHeader("authorization");
  if (!value) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return match?.[1];
}

export interface RequestAccessToken {
  token: ParsedAccessToken;
  transferMethod: TokenTransferMethod;
}

/**
 * Finds the access token: a Bearer token of Latch's shape wins; otherwise the sAccessToken cookie.
 * Values that are not Latch access tokens are ignored (Authorization may carry the app's own credentials).
 */
export function readAccessToken(
  req: BaseRequest,
  parse: (raw: string) => ParsedAccessToken | undefined = parseAccessToken,
): RequestAccessToken | undefined {
  const bearer = bearerToken(req);
  const fromHeader = bearer === undefined ? undefined : parse(bearer);
  if (fromHeader) return { token: fromHeader, transferMethod: "header" };
  const cookie = req.getCookie(ACCESS_TOKEN_COOKIE);
  const fromCookie = cookie === undefined ? undefined : parse(cookie);
  return fromCookie && { token: fromCookie, transferMethod: "cookie" };
}

export interface RequestRefreshTokens {
  /** Well-formed, distinct candidates in the order sent (several only with duplicate cookies). */
  tokens: ParsedRefreshToken[];
  transferMethod: TokenTransferMethod;
}

/** Refresh tokens from `Authorization: Bearer` (header mode) or the sRefreshToken cookie(s); never the query string. */
export function readRefreshTokens(req: BaseRequest): RequestRefreshTokens | undefined {
  const bearer = bearerToken(req);
  const fromHeader = bearer === undefined ? undefined : parseRefreshToken(bearer);
  if (fromHeader) return { tokens: [fromHeader], transferMethod: "header" };
  const cookies = req.getCookies(REFRESH_TOKEN_COOKIE);
  if (cookies.length === 0) return undefined;
  // Malformed values cost nothing and are dropped here; the same value sent twice is one candidate.
  const tokens = [...new Set(cookies)].map(parseRefreshToken).filter((t) => t !== undefined);
  return { tokens, transferMethod: "cookie" };
}

/** Whether the request carries any session token at all (then clearing is meaningful). */
export function hasAnySessionToken(req: BaseRequest): boolean {
  return (
    req.getCookies(ACCESS_TOKEN_COOKIE).length > 0 ||
    req.getCookies(REFRESH_TOKEN_COOKIE).length > 0 ||
    req.getCookies(LEGACY_ID_REFRESH_TOKEN_COOKIE).length > 0 ||
    bearerToken(req) !== undefined
  );
}

/** Whether the request carries tokens in the given transfer method. */
export function hasTokensIn(req: BaseRequest, method: TokenTransferMethod): boolean {
  if (method === "header") return bearerToken(req) !== undefined;
  return req.getCookies(ACCESS_TOKEN_COOKIE).length > 0 || req.getCookies(REFRESH_TOKEN_COOKIE).length > 0;
}

/** Cookie objects with every attribute the config asks for; used by responses and by apps that set cookies themselves. */
export class TokenCookies {
  constructor(private readonly config: NormalisedConfig) {}

  accessToken(value: string, expires: number, domain = this.config.cookieDomain): Cookie {
    return this.#cookie(ACCESS_TOKEN_COOKIE, value, expires, this.config.accessTokenPath, domain);
  }

  refreshToken(value: string, expires: number, domain = this.config.cookieDomain): Cookie {
    return this.#cookie(REFRESH_TOKEN_COOKIE, value, expires, this.config.refreshPath, domain);
  }

  #cookie(name: string, value: string, expires: number, path: string, domain: string | undefined): Cookie {
    return {
      name,
      value,
      expires,
      path,
      domain,
      secure: this.config.cookieSecure,
      httpOnly: true,
      sameSite: this.config.cookieSameSite,
    };
  }
}

export interface TokensToSend {
  accessToken: string;
  /** When the access-token cookie expires (ms): with the session, so an expired JWT still prompts a refresh. */
  accessTokenCookieExpiry: number;
  frontToken: string;
  refreshToken?: { token: string; expiry: number } | undefined;
  antiCsrfToken?: string | null | undefined;
}

/** Writes tokens into a response in one transfer method, exposing each custom header to CORS. */
export function sendTokens(res: BaseResponse, cookies: TokenCookies, method: TokenTransferMethod, tokens: TokensToSend): void {
  if (method === "cookie") {
    res.setCookie(cookies.accessToken(tokens.accessToken, tokens.accessTokenCookieExpiry));
    if (tokens.refreshToken) res.setCookie(cookies.refreshToken(tokens.refreshToken.token, tokens.refreshToken.expiry));
  } else {
    res.setHeader(ACCESS_TOKEN_HEADER, tokens.accessToken);
    res.exposeHeaders(ACCESS_TOKEN_HEADER);
    if (tokens.refreshToken) {
      res.setHeader(REFRESH_TOKEN_HEADER, tokens.refreshToken.token);
      res.exposeHeaders(REFRESH_TOKEN_HEADER);
    }
  }
  res.setHeader(FRONT_TOKEN_HEADER, tokens.frontToken);
  res.exposeHeaders(FRONT_TOKEN_HEADER);
  if (tokens.antiCsrfToken) {
    res.setHeader(ANTI_CSRF_HEADER, tokens.antiCsrfToken);
    res.exposeHeaders(ANTI_CSRF_HEADER);
  }
}

/** Clears the tokens of one transfer method (empty cookies expiring at the epoch, or empty headers). */
export function clearTokens(res: BaseResponse, cookies: TokenCookies, method: TokenTransferMethod, domain?: string): void {
  if (method === "cookie") {
    res.setCookie(cookies.accessToken("", 0, domain));
    res.setCookie(cookies.refreshToken("", 0, domain));
  } else {
    res.setHeader(ACCESS_TOKEN_HEADER, "");
    res.setHeader(REFRESH_TOKEN_HEADER, "");
    res.exposeHeaders(ACCESS_TOKEN_HEADER, REFRESH_TOKEN_HEADER);
  }
}

/** Ends the session on the client: tokens of both methods cleared and `front-token: remove`. */
export function clearSessionOnClient(res: BaseResponse, cookies: TokenCookies): void {
  clearTokens(res, cookies, "cookie");
  clearTokens(res, cookies, "header");
  res.removeHeader(ANTI_CSRF_HEADER);
  res.setHeader(FRONT_TOKEN_HEADER, "remove");
  res.exposeHeaders(FRONT_TOKEN_HEADER);
}
