import type { ParsedAccessToken } from "./access-token";

/**
 * Remembers access tokens whose signature already verified, until they expire, so a client's
 * every request pays neither for parsing nor for the same public-key operation again. A hit needs
 * the exact token string (same bytes, same signature); expiry is still checked on every hit. The
 * cached token objects are frozen and shared. Bounded, least recently used evicted first, so no
 * amount of distinct valid tokens grows it.
 *
 * The map is keyed by the token's last 43 characters (the end of its signature: 256 bits that differ
 * between any two tokens) and a hit compares the whole string. Hashing the whole token, a new
 * string of about 900 characters on every request, was most of a cached verification's time.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, ParsedAccessToken>();

  constructor(readonly maxEntries = 10_000) {}

  /** The verified token for this string, unless unknown or expired. */
  get(raw: string, nowSeconds: number): ParsedAccessToken | undefined {
    const key = keyOf(raw);
    const token = this.#entries.get(key);
    if (!token || token.raw !== raw) return undefined;
    this.#entries.delete(key);
    if (token.payload.exp <= nowSeconds) return undefined;
    this.#entries.set(key, token); // most recently used goes last
    return token;
  }

  /** Whether this very object came out of the cache (then it needs no verification). */
  isVerified(token: ParsedAccessToken): boolean {
    return this.#entries.get(keyOf(token.raw)) === token;
  }

  set(token: ParsedAccessToken): void {
    if (this.maxEntries <= 0) return;
    const key = keyOf(token.raw);
    this.#entries.delete(key);
    this.#entries.set(key, token);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

const KEY_CHARS = 43;

function keyOf(raw: string): string {
  return raw.length > KEY_CHARS ? raw.slice(-KEY_CHARS) : raw;
}
