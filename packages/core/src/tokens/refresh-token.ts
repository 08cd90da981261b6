import { hmacSha256Base64Url, randomToken, sha256Hex, timingSafeEqual } from "../util/crypto";

/**
 * A refresh token is `<sessionHandle>.<nonce>.<tag>`:
 * - the handle lets the server find the session although the store never sees the token;
 * - the nonce (256 bits) makes it unguessable;
 * - the tag, HMAC(per-session key, handle.nonce), proves the server issued it. The handle is no
 *   secret (it is in the access-token payload), so without the tag anyone could send
 *   `<handle>.<garbage>`, and garbage would look like an old token: theft, and the victim's
 *   session revoked. With it, garbage is merely unauthorised.
 * The store keeps only hash2 = SHA-256(hash1), hash1 = SHA-256(token); the access token carries
 * hash1 (as SuperTokens' does), so neither a leaked access token nor a leaked row reveals the token.
 */
export interface ParsedRefreshToken {
  raw: string;
  sessionHandle: string;
  nonce: string;
  tag: string;
}

const REFRESH_TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{22})$/;
const TAG_LENGTH = 22; // 128 bits of the HMAC, base64url

export function parseRefreshToken(raw: string): ParsedRefreshToken | undefined {
  const match = REFRESH_TOKEN.exec(raw);
  if (!match) return undefined;
  return { raw, sessionHandle: match[1] as string, nonce: match[2] as string, tag: match[3] as string };
}

async function tagFor(rotationKey: string, sessionHandle: string, nonce: string): Promise<string> {
  return (await hmacSha256Base64Url(rotationKey, `tag:${sessionHandle}.${nonce}`)).slice(0, TAG_LENGTH);
}

/** A new token of the session's family; the nonce is random unless derived by `childRefreshToken`. */
export async function issueRefreshToken(sessionHandle: string, rotationKey: string, nonce = randomToken()): Promise<string> {
  return `${sessionHandle}.${nonce}.${await tagFor(rotationKey, sessionHandle, nonce)}`;
}

/** Whether the server issued this token for this session (checked before any hash comparison). */
export async function isAuthentic(token: ParsedRefreshToken, rotationKey: string): Promise<boolean> {
  return timingSafeEqual(token.tag, await tagFor(rotationKey, token.sessionHandle, token.nonce));
}

/**
 * The child that replaces `parent` at rotation, its nonce HMAC(key, parent). Deterministic, so a
 * retried or parallel refresh with the same parent gets the same child and the family never forks;
 * unpredictable without the per-session key, so an old token cannot be walked forward.
 */
export async function childRefreshToken(parent: ParsedRefreshToken, rotationKey: string): Promise<string> {
  return issueRefreshToken(parent.sessionHandle, rotationKey, await hmacSha256Base64Url(rotationKey, `child:${parent.raw}`));
}

export async function refreshTokenHashes(token: string): Promise<{ hash1: string; hash2: string }> {
  const hash1 = await sha256Hex(token);
  return { hash1, hash2: await sha256Hex(hash1) };
}

/**
 * The anti-CSRF token (VIA_TOKEN mode) of a refresh-token generation, derived rather than stored:
 * the refresh call can check the echoed value without a column, and it rotates with the token.
 * Domain-separated from hash1 so one never equals the other.
 */
export async function antiCsrfTokenFor(refreshToken: string): Promise<string> {
  return sha256Hex(`latch-anti-csrf:${refreshToken}`);
}
