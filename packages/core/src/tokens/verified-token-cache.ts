import { ComparableSecret } from "../util/crypto";
import type { ParsedAccessToken } from "./access-token";

/**
 * Remembers access tokens whose signature already verified, until they expire, so a client's
 * every request pays neither for parsing nor for the same public-key operation again. A hit needs
 * the exact token string (same bytes, same signature); expiry is still checked on every hit. The
 * cached token objects are frozen and shared. Bounded, least recently used evicted first, so no
 * amount of distinct valid tokens grows it.
 *
 * The map is keyed by the token's last 43 characters (the end of its signature: 256 bits that differ
 * between any two tokens) and a hit compares the whole string, in constant time. Hashing the whole token, a new
 * string of about 900 characters on every request, was most of a cached verification's time.
 *
 * Recency is kept approximately: a hit moves its entry to the back of the map (a delete and a set)
 * only when at least half the capacity was inserted since it last moved. A token in use is hit
 * long before it could reach the front, so it is never evicted, and the usual hit is one map read.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  /** Every token object that passed verification: `isVerified` without another map read. */
  readonly #verified = new WeakSet<ParsedAccessToken>();
  #insertions = 0;
  /** Lookups answered from the cache, and lookups that were not (for telemetry's hit ratio): plain counts, nothing else. */
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries = 10_000) {}

  /** The verified token for this string, unless unknown or expired. */
  get(raw: string, nowSeconds: number): ParsedAccessToken | undefined {
    const key = keyOf(raw);
    const entry = this.#entries.get(key);
    // In constant time: the key (the signature's end) matched, the rest must too, without telling
    // by timing how much of it did.
    if (!entry?.raw.equals(raw)) {
      this.misses++;
      return undefined;
    }
    if (entry.token.payload.exp <= nowSeconds) {
      this.#entries.delete(key);
      this.misses++;
      return undefined;
    }
    if (this.#insertions - entry.insertedAt >= this.maxEntries / 2) this.#insert(key, entry.token, entry.raw);
    this.hits++;
    return entry.token;
  }

  /** Whether this very object passed verification (then it needs no verification again). */
  isVerified(token: ParsedAccessToken): boolean {
    return this.#verified.has(token);
  }

  set(token: ParsedAccessToken): void {
    if (this.maxEntries <= 0) return;
    this.#verified.add(token);
    this.#insert(keyOf(token.raw), token);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #insert(key: string, token: ParsedAccessToken, raw = new ComparableSecret(token.raw)): void {
    this.#entries.delete(key);
    this.#entries.set(key, { token, raw, insertedAt: ++this.#insertions });
  }
}

interface Entry {
  token: ParsedAccessToken;
  /** The token's string, kept for the constant-time comparison of every hit. */
  raw: ComparableSecret;
  insertedAt: number;
}

const KEY_CHARS = 43;

function keyOf(raw: string): string {
  return raw.length > KEY_CHARS ? raw.slice(-KEY_CHARS) : raw;
}
