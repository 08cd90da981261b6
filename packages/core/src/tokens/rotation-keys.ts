import { hmacSha256Base64Url, randomToken } from "../util/crypto";
import { base64UrlEncode, utf8Bytes } from "../util/encoding";
import type { ParsedRefreshToken } from "./refresh-token";
import { isAuthentic } from "./refresh-token";

/**
 * Marks a row's rotation key as mixed with the server's `refreshTokenSecret`. A row without it was
 * made before a secret was configured and keeps the guarantee it was made with until it ends.
 */
const MIXED_PREFIX = "s.";

/**
 * The per-session rotation keys of refresh tokens (tag and child derivation, see refresh-token.ts).
 *
 * Without a server secret the row's random key is the HMAC key, so whoever reads the session table
 * can mint tokens that pass the authenticity check: not the current token (that needs a preimage of
 * hash2), but a "stale" one, which revokes the victim's session as theft (an availability attack).
 * With `refreshTokenSecret`, the HMAC key is HMAC(secret, row key): the database alone is not enough.
 * Several secrets let a deployment rotate its secret: the first mixes into new sessions, each one
 * still verifies the sessions made under it.
 */
export class RotationKeys {
  /** The secrets as HMAC keys (base64url of their UTF-8 bytes), newest first. */
  readonly #secretKeys: string[];

  constructor(secrets: readonly string[]) {
    this.#secretKeys = secrets.map((secret) => base64UrlEncode(utf8Bytes(secret)));
  }

  /** A new session's row value and the HMAC key its tokens are made with. */
  async forNewSession(): Promise<{ rowKey: string; hmacKey: string }> {
    const random = randomToken();
    const secretKey = this.#secretKeys[0];
    if (secretKey === undefined) return { rowKey: random, hmacKey: random };
    return { rowKey: MIXED_PREFIX + random, hmacKey: await mix(secretKey, random) };
  }

  /**
   * The HMAC key under which `token` is authentic for a row with `rowKey`, or undefined when it is
   * not (a forgery, or a session made under a secret this server no longer has).
   */
  async authenticKey(token: ParsedRefreshToken, rowKey: string): Promise<string | undefined> {
    if (!rowKey.startsWith(MIXED_PREFIX)) return (await isAuthentic(token, rowKey)) ? rowKey : undefined;
    const random = rowKey.slice(MIXED_PREFIX.length);
    for (const secretKey of this.#secretKeys) {
      const hmacKey = await mix(secretKey, random);
      if (await isAuthentic(token, hmacKey)) return hmacKey;
    }
    return undefined;
  }

  /** Whether a row's key needs a secret this server was not given (for an operator's log line). */
  lacksSecretFor(rowKey: string): boolean {
    return rowKey.startsWith(MIXED_PREFIX) && this.#secretKeys.length === 0;
  }
}

function mix(secretKey: string, random: string): Promise<string> {
  return hmacSha256Base64Url(secretKey, `latch-rotation-key:${random}`);
}
