import { describe, expect, it } from "vitest";
import type { ParsedAccessToken } from "../src/tokens/access-token";
import { VerifiedTokenCache } from "../src/tokens/verified-token-cache";

/** A token object of the cache's shape; the cache never looks inside but at raw and exp. */
function token(signature: string, exp = 2_000): ParsedAccessToken {
  const raw = `header.payload.${signature.padStart(43, "s")}`;
  return { raw, kid: "k", alg: "EdDSA", payload: { exp } } as unknown as ParsedAccessToken;
}

describe("VerifiedTokenCache", () => {
  it("hits only the exact token string, and only before it expires", () => {
    const cache = new VerifiedTokenCache();
    const t = token("a");
    cache.set(t);
    expect(cache.get(t.raw, 1_000)).toBe(t);
    expect(cache.isVerified(t)).toBe(true);
    // Same last 43 characters (the map key), different token: a miss.
    expect(cache.get(`other.${t.raw}`, 1_000)).toBeUndefined();
    expect(cache.get(t.raw, 2_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("knows only token objects that passed through set", () => {
    const cache = new VerifiedTokenCache();
    const t = token("a");
    cache.set(t);
    expect(cache.isVerified({ ...t })).toBe(false);
    const disabled = new VerifiedTokenCache(0);
    disabled.set(t);
    expect(disabled.get(t.raw, 1_000)).toBeUndefined();
    expect(disabled.isVerified(t)).toBe(false);
  });

  it("stays bounded, and never evicts a token that is in use", () => {
    const cache = new VerifiedTokenCache(100);
    const hot = token("hot");
    cache.set(hot);
    for (let i = 0; i < 10_000; i++) {
      cache.set(token(`cold-${i}`));
      expect(cache.get(hot.raw, 1_000)).toBe(hot);
    }
    expect(cache.size).toBe(100);
    // A token not used since is evicted once enough others came in.
    const idle = token("idle");
    cache.set(idle);
    for (let i = 0; i < 100; i++) cache.set(token(`later-${i}`));
    expect(cache.get(idle.raw, 1_000)).toBeUndefined();
  });
});
