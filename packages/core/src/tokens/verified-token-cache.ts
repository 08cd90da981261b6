import type { ParsedAccessToken } from "./access-token";

/**
 * Remembers access tokens whose signature already verified, until they expire, so a client's
 * every request pays neither for parsing nor for the same public-key operation again. Keyed by
 * the exact token string (same bytes, same signature); expiry is still checked on every hit. The
 * cached token objects are frozen and shared. Bounded, least recently used evicted first, so no
 * amount of distinct valid tokens grows it.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, ParsedAccessToken>();

  constructor(readonly maxEntries = 10_000) {}

  /** The verified token for this string, unless unknown or expired. */
  get(raw: string, nowSeconds: number): ParsedAccessToken | undefined {
    const token = this.#entries.get(raw);
    if (!token) return undefined;
    this.#entries.delete(raw);
    if (token.payload.exp <= nowSeconds) return undefined;
    this.#entries.set(raw, token); // most recently used goes last
    return token;
  }

  /** Whether this very object came out of the cache (then it needs no verification). */
  isVerified(token: ParsedAccessToken): boolean {
    return this.#entries.get(token.raw) === token;
  }

  set(token: ParsedAccessToken): void {
    if (this.maxEntries <= 0) return;
    this.#entries.delete(token.raw);
    this.#entries.set(token.raw, token);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
