import { randomBytes, randomUUID } from "node:crypto";
import type { JSONObject, SessionRecord, SigningKeyRecord } from "@latch/core";

/**
 * Identifiers as core lets them through (userId: up to 512 UTF-16 units, no control characters):
 * values that break stores which build SQL by hand, truncate, normalise, trim or re-encode text.
 */
export const HOSTILE_IDENTIFIERS = [
  "'; DROP TABLE x; --",
  'Robert"); DELETE FROM latch_sessions; --',
  "ünïcødé ÄÖÜ ß 日本語 עברית",
  "emoji 😀👩‍👩‍👧‍👦🏳️‍🌈",
  "back\\slash \"quotes\" 'single' %_* ? $1 {tag}",
  "  spaces around  ",
  // The longest userId core accepts, in 4-byte UTF-8 characters where possible.
  `${"😀".repeat(255)}xy`,
] as const;

/** Strings for JSON values: everything above plus control characters and NUL (escaped in JSON text). */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE x; --",
  'Robert"); DELETE FROM latch_sessions; --',
  "ünïcødé ÄÖÜ ß 日本語 中文 עברית العربية",
  "emoji 😀👩‍👩‍👧‍👦🏳️‍🌈",
  "nul \u0000 inside",
  "control \u0001\u001f\t\r\n chars",
  "back\\slash and \"quotes\" and 'single'",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder is the hostile value.
  "${template} %s %d {{mustache}} $1 ? :name",
  "  leading and trailing spaces  ",
  "a".repeat(2000),
] as const;

/** A JSON object with every JSON type, nesting, hostile keys and values (round-trips through JSON text). */
export function hostileJson(): JSONObject {
  return {
    plain: "value",
    strings: [...HOSTILE_STRINGS],
    numbers: [0, 1, -1, 0.1 + 0.2, 1e300, -1e-300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    booleans: [true, false],
    nothing: null,
    empty: { object: {}, array: [], string: "" },
    nested: { a: { b: { c: { d: { e: ["deep", { f: "😀" }] } } } } },
    "key with spaces": 1,
    "'; DROP TABLE x; --": "as a key",
    "dotted.key": true,
    $dollar: "mongo-style operator",
    "": "empty key",
    "😀": "emoji key",
    "nul\u0000key": "nul \u0000 value",
    // Key order is part of "exactly": a store must not reorder keys (jsonb and MySQL's JSON type do).
    zeta: 1,
    alpha: 2,
    "10": "numeric-looking key",
    "2": "another numeric-looking key",
  };
}

/** A JSON object whose JSON text is at least `bytes` long. */
export function largeJson(bytes: number): JSONObject {
  const items: JSONObject[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = { index: i, text: `item ${i} ünïcødé 😀 ${randomBytes(24).toString("base64")}`, flags: [i % 2 === 0, null] };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return { items, count: items.length };
}

let counter = 0;

/** A fresh session record; unique handle, fresh hashes, expiring in an hour unless overridden. */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  counter++;
  const userId = overrides.userId ?? `user-${randomUUID()}`;
  return {
    sessionHandle: `handle-${randomUUID()}-${counter}`,
    userId,
    recipeUserId: userId,
    tenantId: "public",
    sessionDataInDatabase: {},
    accessTokenPayload: {},
    refreshTokenHash2: randomHash(),
    parentRefreshTokenHash2: null,
    refreshTokenRotatedAt: null,
    refreshTokenRotationKey: randomBytes(32).toString("base64url"),
    expiresAt: now + 3_600_000,
    createdAt: now,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ip: "192.0.2.1",
    ...overrides,
  };
}

/** A hex string shaped like a SHA-256 hash. */
export function randomHash(): string {
  return randomBytes(32).toString("hex");
}

export function signingKey(overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  const kid = overrides.kid ?? `kid-${randomUUID()}`;
  return {
    kid,
    algorithm: "EdDSA",
    privateJwk: JSON.stringify({
      kty: "OKP",
      crv: "Ed25519",
      kid,
      x: randomBytes(32).toString("base64url"),
      d: randomBytes(32).toString("base64url"),
    }),
    publicJwk: JSON.stringify({ kty: "OKP", crv: "Ed25519", kid, x: randomBytes(32).toString("base64url") }),
    createdAt: Date.now(),
    ...overrides,
  };
}
