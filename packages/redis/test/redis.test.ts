import { ConfigError } from "@latch/core";
import { rejectionOf, sessionRecord } from "@latch/testing/store";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { RedisStore, redisStore, storeFromUrl } from "../src/index";
import { admin, deleteKeys, keysWithPrefix, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newStore(options: Partial<ConstructorParameters<typeof RedisStore>[0]> = {}): { store: RedisStore; prefix: string } {
  const prefix = options.keyPrefix ?? uniquePrefix();
  const store = new RedisStore({ url: REDIS_URL, ...options, keyPrefix: prefix });
  cleanups.push(
    () => deleteKeys(prefix),
    () => store.close(),
  );
  return { store, prefix };
}

/** What Redis Cluster hashes: the part between the first "{" and the next "}". */
function hashTag(key: string): string {
  const start = key.indexOf("{");
  const end = key.indexOf("}", start + 1);
  return key.slice(start + 1, end);
}

describe.skipIf(skipReason)("redis store", () => {
  it("keeps a user's session and index under one hash tag (one Cluster slot), even with braces in the user id", async () => {
    const { store, prefix } = newStore();
    const record = sessionRecord({ userId: "evil}{user}%7d" });
    await store.createSession(record);
    const keys = await keysWithPrefix(prefix);
    expect(keys).toHaveLength(3);
    const [claim, ...userKeys] = [keys.find((k) => k.includes("{h:")), ...keys.filter((k) => k.includes("{u:"))];
    expect(claim).toBeDefined();
    expect(userKeys).toHaveLength(2);
    expect(new Set(userKeys.map(hashTag)).size).toBe(1);
    // A different user id that only differs where the escaping is gets a different tag.
    const other = sessionRecord({ userId: "evil%7d{user}}" });
    await store.createSession(other);
    expect(await store.listSessionHandlesForUser({ userId: record.userId }, Date.now())).toEqual([record.sessionHandle]);
    expect(await store.listSessionHandlesForUser({ userId: other.userId }, Date.now())).toEqual([other.sessionHandle]);
  });

  it("expires the session hash, the index and the handle claim by TTL, and moves them on rotation", async () => {
    const { store, prefix } = newStore();
    const now = Date.now();
    const record = sessionRecord({ expiresAt: now + 3_600_000 });
    await store.createSession(record);
    const expiry = async (part: string) => {
      const key = (await keysWithPrefix(prefix)).find((k) => k.includes(part));
      if (!key) throw new Error(`no key with ${part}`);
      return admin((client) => client.pexpiretime(key));
    };
    expect(await expiry(":s:")).toBe(record.expiresAt);
    expect(await expiry(":idx")).toBe(record.expiresAt);
    expect(await expiry("{h:")).toBe(record.expiresAt);

    const later = sessionRecord({ userId: record.userId, expiresAt: now + 7_200_000 });
    await store.createSession(later);
    expect(await expiry(":idx")).toBe(later.expiresAt);

    const newExpiresAt = now + 10_000_000;
    const rotated = await store.rotateRefreshToken({
      sessionHandle: record.sessionHandle,
      expectedRefreshTokenHash2: record.refreshTokenHash2,
      newRefreshTokenHash2: "next",
      rotatedAt: now,
      newExpiresAt,
    });
    expect(rotated).toBe(true);
    const sessionKey = (await keysWithPrefix(prefix)).find((k) => k.endsWith(`:s:${record.sessionHandle}`)) ?? "";
    expect(await admin((client) => client.pexpiretime(sessionKey))).toBe(newExpiresAt);
    expect(await expiry(":idx")).toBe(newExpiresAt);
  });

  it("leaves no keys behind once every session is revoked or deleted (besides signing keys and the expiring revocation feed)", async () => {
    const { store, prefix } = newStore();
    const records = [sessionRecord({ userId: "a" }), sessionRecord({ userId: "a", tenantId: "t1" }), sessionRecord({ userId: "b" })];
    for (const record of records) await store.createSession(record);
    await store.revokeSessions([records[0]?.sessionHandle ?? ""]);
    await store.revokeSessionsForUser({ userId: "a" });
    expect(await store.deleteExpiredSessions(Number.MAX_SAFE_INTEGER)).toBe(1);
    // The feed that other servers catch up from outlives the sessions by the retention (1 h), then expires.
    expect(await keysWithPrefix(prefix)).toEqual([`${prefix}{revocations}`]);
    const feedExpiry = await admin((client) => client.pexpiretime(`${prefix}{revocations}`));
    expect(feedExpiry).toBeGreaterThan(Date.now());
    expect(feedExpiry).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("runs on the app's client and leaves it open on close()", async () => {
    const client = new Redis(REDIS_URL);
    cleanups.push(async () => client.disconnect());
    const { store } = newStore({ client, url: undefined });
    const record = sessionRecord();
    await store.createSession(record);
    await store.close();
    expect(await client.ping()).toBe("PONG");
    expect((await rejectionOf(store.getSession(record.sessionHandle))).code).toBe("STORE_UNAVAILABLE");
  });

  it("rejects a bad key prefix and a missing connection", () => {
    for (const keyPrefix of ["{tag}", "a b", "x*", "a".repeat(65)]) {
      expect(() => new RedisStore({ url: REDIS_URL, keyPrefix })).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
    }
    expect(() => new RedisStore({})).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
  });

  it("opens from redisStore() and storeFromUrl()", async () => {
    const viaFactory = redisStore({ url: REDIS_URL, keyPrefix: uniquePrefix() });
    cleanups.push(() => viaFactory.close());
    expect(await viaFactory.getSession("x")).toBeUndefined();
    const viaUrl = storeFromUrl(REDIS_URL);
    cleanups.push(() => viaUrl.close());
    expect(viaUrl.name).toBe("redis");
    expect(() => storeFromUrl("postgres://x")).toThrow(ConfigError);
  });
});
