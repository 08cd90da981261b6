import { CompactSign, decodeProtectedHeader, errors as joseErrors, jwtVerify } from "jose";
import { TryRefreshTokenError, UnauthorisedError } from "../errors";
import type { JSONObject, JSONValue } from "../store/session-store";
import { base64UrlDecode, utf8Bytes, utf8Text } from "../util/encoding";
import type { SigningKeys } from "./signing-keys";
import type { VerifiedTokenCache } from "./verified-token-cache";

/** Claims Latch owns, and `aud`, which it refuses so no session token claims another service's audience. */
export const PROTECTED_CLAIMS = [
  "sub",
  "exp",
  "iat",
  "nbf",
  "iss",
  "sessionHandle",
  "refreshTokenHash1",
  "parentRefreshTokenHash1",
  "antiCsrfToken",
  "tId",
  "rsub",
  // Not set by Latch: refused so that no session token can claim another service's audience.
  "aud",
] as const;

export interface AccessTokenClaims {
  sub: string;
  exp: number;
  iat: number;
  iss: string;
  sessionHandle: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  tId: string;
  rsub: string;
}

/** The whole payload: Latch's claims plus the app's. */
export type AccessTokenPayload = AccessTokenClaims & JSONObject;

export interface SignAccessTokenInput {
  userId: string;
  recipeUserId: string;
  tenantId: string;
  sessionHandle: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  userPayload: JSONObject;
  issuer: string;
  validitySeconds: number;
  now: number;
}

export async function signAccessToken(
  keys: SigningKeys,
  input: SignAccessTokenInput,
): Promise<{ token: string; payload: AccessTokenPayload }> {
  const iat = Math.floor(input.now / 1000);
  const payload: AccessTokenPayload = {
    ...input.userPayload,
    sub: input.userId,
    iat,
    exp: iat + input.validitySeconds,
    iss: input.issuer,
    sessionHandle: input.sessionHandle,
    refreshTokenHash1: input.refreshTokenHash1,
    parentRefreshTokenHash1: input.parentRefreshTokenHash1,
    antiCsrfToken: input.antiCsrfToken,
    tId: input.tenantId,
    rsub: input.recipeUserId,
  };
  const key = await keys.getSigningKey(input.now);
  // A JWS over the payload's JSON: what jose's SignJWT produces, without its claims builder, which
  // deep-copies and re-checks a payload Latch has just built and checked (about 5% of a login's CPU).
  const token = await new CompactSign(utf8Bytes(JSON.stringify(payload)))
    .setProtectedHeader(accessTokenHeader(key.record.algorithm, key.record.kid))
    .sign(key.privateKey);
  return { token, payload };
}

/**
 * `version: "5"` is the access-token version SuperTokens' backend SDKs read from the header: without
 * it they assume version 3 and ignore `tId` and `rsub` (every session would be in tenant "public").
 */
function accessTokenHeader(alg: string, kid: string) {
  return { alg, kid, typ: "JWT", version: "5" };
}

/** An access token whose structure is Latch's; its signature is not checked yet. */
export interface ParsedAccessToken {
  raw: string;
  kid: string;
  alg: string;
  payload: AccessTokenPayload;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Parses without verifying, and only accepts Latch's shape. Returns undefined for anything else
 * (a Bearer token of another system, garbage): the caller treats it as "no Latch token here".
 */
export function parseAccessToken(raw: string): ParsedAccessToken | undefined {
  if (raw.length > 16_384 || !JWT_SHAPE.test(raw)) return undefined;
  try {
    const [headerPart = "", payloadPart = ""] = raw.split(".");
    const header = JSON.parse(utf8Text(base64UrlDecode(headerPart))) as Record<string, JSONValue>;
    const payload = JSON.parse(utf8Text(base64UrlDecode(payloadPart))) as Record<string, JSONValue>;
    if (typeof header.kid !== "string" || typeof header.alg !== "string") return undefined;
    if (!isAccessTokenPayload(payload)) return undefined;
    return { raw, kid: header.kid, alg: header.alg, payload };
  } catch {
    return undefined;
  }
}

function isAccessTokenPayload(payload: unknown): payload is AccessTokenPayload {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return false;
  const p = payload as Record<string, unknown>;
  return (
    typeof p.sub === "string" &&
    typeof p.sessionHandle === "string" &&
    typeof p.tId === "string" &&
    typeof p.rsub === "string" &&
    typeof p.refreshTokenHash1 === "string" &&
    typeof p.exp === "number" &&
    typeof p.iat === "number" &&
    (p.antiCsrfToken === null || typeof p.antiCsrfToken === "string") &&
    (p.parentRefreshTokenHash1 === null || typeof p.parentRefreshTokenHash1 === "string")
  );
}

/**
 * The payload of a token that came out of the verified-token cache and has not expired, else
 * undefined. Synchronous, so the usual request (a token verified before) waits for no promise.
 */
export function cachedPayload(
  token: ParsedAccessToken,
  now: number,
  cache: VerifiedTokenCache | undefined,
): AccessTokenPayload | undefined {
  return cache?.isVerified(token) && token.payload.exp > Math.floor(now / 1000) ? token.payload : undefined;
}

/**
 * Verifies signature, algorithm (only the configured one), kid, issuer and expiry.
 * Every failure is TryRefreshTokenError: the client refreshes, and the refresh decides.
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  token: ParsedAccessToken,
  issuer: string,
  now: number,
  cache?: VerifiedTokenCache,
): Promise<AccessTokenPayload> {
  const cached = cachedPayload(token, now, cache);
  if (cached) return cached;
  if (token.alg !== keys.algorithm) throw new TryRefreshTokenError("access token signed with an algorithm that is not allowed");
  // Check the header jose will use, not only our own parse of it.
  const header = decodeProtectedHeader(token.raw);
  if (header.kid !== token.kid) throw new TryRefreshTokenError("access token header is inconsistent");
  const key = await keys.getVerificationKey(token.kid, now);
  if (!key) throw new TryRefreshTokenError("access token signed with an unknown key");
  try {
    const { payload } = await jwtVerify(token.raw, key.publicKey, {
      algorithms: [keys.algorithm],
      issuer,
      currentDate: new Date(now),
      typ: "JWT",
    });
    if (!isAccessTokenPayload(payload)) throw new UnauthorisedError("access token payload is not Latch's", { clearTokens: false });
    // Frozen: the cache hands the same object to every request with this token.
    const verified = deepFreeze({ raw: token.raw, kid: token.kid, alg: token.alg, payload });
    cache?.set(verified);
    return verified.payload;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new TryRefreshTokenError("access token expired");
    if (error instanceof joseErrors.JOSEError) throw new TryRefreshTokenError(`access token rejected (${error.code})`);
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
