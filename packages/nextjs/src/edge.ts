// @latch/nextjs/edge: session verification for middleware.ts on the edge runtime. It imports jose
// (Web Crypto) and nothing else: verifying an access token needs no store, so the middleware bundle
// stays small. @latch/core itself runs on edge runtimes too (it touches Node's globals only where
// they exist; apps/hono's conformance run covers workerd), with a store the edge can reach.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";

export interface EdgeVerifyOptions {
  /** Latch's JWKS route, e.g. `new URL("/auth/jwt/jwks.json", request.url)`; keys are cached and refetched on an unknown `kid`. */
  jwksUrl?: string | URL;
  /** Or the public keys themselves (`latch.getJWKS()` at build time, or from config). */
  jwks?: JSONWebKeySet;
  /** The expected `iss`: `<apiDomain><apiBasePath>`; not checked when omitted. */
  issuer?: string;
  /** Accepted algorithms; default Latch's: RS256, ES256, EdDSA. */
  algorithms?: string[];
}

/** A verified access token's payload: Latch's protected claims and the app's own. */
export type EdgeAccessTokenPayload = JWTPayload & { sub: string; sessionHandle: string; tId?: string; [claim: string]: unknown };

export type EdgeSessionResult =
  | { status: "OK"; userId: string; tenantId: string; sessionHandle: string; accessTokenPayload: EdgeAccessTokenPayload }
  /** No token, or one that is not a Latch access token: the protocol's 401 `unauthorised`. */
  | { status: "NO_SESSION" }
  /** Expired, signed by an unknown key, or ambiguous (several cookies): the protocol's 401 `try refresh token`. */
  | { status: "TRY_REFRESH" };

const DEFAULT_ALGORITHMS = ["RS256", "ES256", "EdDSA"];
// One key set per URL for the life of the isolate, so keys are fetched once, not per request.
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function keySet(options: EdgeVerifyOptions): JWTVerifyGetKey {
  if (options.jwks) return createLocalJWKSet(options.jwks);
  if (!options.jwksUrl) throw new TypeError("verifySession: pass jwksUrl or jwks");
  const url = String(options.jwksUrl);
  let set = remoteKeySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url));
    remoteKeySets.set(url, set);
  }
  return set;
}

/** The access token of a request: a Latch Bearer token wins over the `sAccessToken` cookie (protocol.md). */
export function accessTokenOf(request: Request): { token: string } | "NONE" | "AMBIGUOUS" {
  const authorization = request.headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer && looksLikeLatchToken(bearer)) return { token: bearer };
  const cookies = cookieValues(request.headers.get("cookie"), "sAccessToken");
  if (cookies.length > 1) return "AMBIGUOUS";
  return cookies[0] ? { token: cookies[0] } : "NONE";
}

/**
 * Verifies the request's access token on Web Crypto, without a database or core: use it in
 * middleware to gate pages. No anti-CSRF check: route handlers (`withSession`) do the full check.
 */
export async function verifySession(request: Request, options: EdgeVerifyOptions): Promise<EdgeSessionResult> {
  const found = accessTokenOf(request);
  if (found === "NONE") return { status: "NO_SESSION" };
  if (found === "AMBIGUOUS") return { status: "TRY_REFRESH" };
  if (!looksLikeLatchToken(found.token)) return { status: "NO_SESSION" };
  try {
    const { payload } = await jwtVerify(found.token, keySet(options), {
      algorithms: options.algorithms ?? DEFAULT_ALGORITHMS,
      ...(options.issuer ? { issuer: options.issuer } : {}),
    });
    const claims = payload as EdgeAccessTokenPayload;
    return {
      status: "OK",
      userId: claims.sub,
      tenantId: typeof claims.tId === "string" ? claims.tId : "public",
      sessionHandle: claims.sessionHandle,
      accessTokenPayload: claims,
    };
  } catch (error) {
    if (
      error instanceof errors.JWTExpired ||
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JOSEAlgNotAllowed
    ) {
      return { status: "TRY_REFRESH" };
    }
    if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
      return { status: "NO_SESSION" };
    }
    throw error;
  }
}

/** The protocol's 401 for a failed verification (the SDKs refresh on it), for middleware to return. */
export function sessionErrorResponse(result: Exclude<EdgeSessionResult, { status: "OK" }>, status = 401): Response {
  return Response.json({ message: result.status === "TRY_REFRESH" ? "try refresh token" : "unauthorised" }, { status });
}

function looksLikeLatchToken(token: string): boolean {
  try {
    const claims = decodeJwt(token);
    return typeof claims.sub === "string" && typeof claims.sessionHandle === "string";
  } catch {
    return false;
  }
}

function cookieValues(header: string | null, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index !== -1 && part.slice(0, index).trim() === name) values.push(part.slice(index + 1).trim());
  }
  return values;
}
