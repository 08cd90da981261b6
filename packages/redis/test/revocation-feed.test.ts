// The Redis revocation feed against the real server: delivery between two store instances,
// catch-up at start, after the subscriber connection is killed (CLIENT KILL) and after the server
// is "stopped" behind a fault proxy, atomicity and bounded pruning. The Cluster cases are in
// cluster.test.ts.
import { randomUUID } from "node:crypto";
import { closedPort, recordingWatcher, rejectionOf, sessionRecord, startFaultProxy } from "@latch/testing/store";
import { afterEach, describe, expect, it } from "vitest";
import { RedisStore, type RedisStoreOptions } from "../src/index";
import { admin, deleteKeys, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const HOUR = 3_600_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(prefix: string, options: Partial<RedisStoreOptions> = {}): RedisStore {
  const store = new RedisStore({ url: REDIS_URL, keyPrefix: prefix, ...options });
  cleanups.push(() => store.close());
  return store;
}

function newPrefix(): string {
  const prefix = uniquePrefix();
  cleanups.push(() => deleteKeys(prefix));
  return prefix;
}

async function created(store: RedisStore, count: number, overrides: Parameters<typeof sessionRecord>[0] = {}) {
  const records = Array.from({ length: count }, () => sessionRecord(overrides));
  for (const record of records) await store.createSession(record);
  return records;
}

async function watch(store: RedisStore, retentionMs = HOUR) {
  const watching = recordingWatcher();
  const subscription = await store.watchRevocations(watching.watcher, { retentionMs });
  cleanups.push(() => subscription.close());
  return watching;
}

describe.skipIf(skipReason)("redis revocation feed", () => {
  it("delivers revoke, revoke-by-user (with and without tenant) and the cap from one instance to another's watcher, and to its own", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const other = await watch(open(prefix));
    const own = await watch(writer);

    const [one] = await created(writer, 1);
    const before = Date.now();
    expect(await writer.revokeSessions([one?.sessionHandle as string, "no-such-handle"])).toEqual([one?.sessionHandle]);
    await other.received([one?.sessionHandle as string]);
    await own.received([one?.sessionHandle as string]);
    expect(other.revoked.get(one?.sessionHandle as string)).toBeGreaterThanOrEqual(before);
    expect(other.revoked.has("no-such-handle")).toBe(false);

    const userId = `user-${randomUUID()}`;
    const [inA] = await created(writer, 1, { userId, tenantId: "a" });
    const [inB] = await created(writer, 1, { userId, tenantId: "b" });
    expect(await writer.revokeSessionsForUser({ userId, tenantId: "a" })).toEqual([inA?.sessionHandle]);
    await other.received([inA?.sessionHandle as string]);
    expect(await writer.revokeSessionsForUser({ userId })).toEqual([inB?.sessionHandle]);
    await other.received([inB?.sessionHandle as string]);

    const capUser = `user-${randomUUID()}`;
    const oldest = sessionRecord({ userId: capUser, createdAt: Date.now() - 2_000 });
    await writer.createSession(oldest);
    const kept = sessionRecord({ userId: capUser, createdAt: Date.now() - 1_000 });
    await writer.createSession(kept);
    const newest = sessionRecord({ userId: capUser });
    expect(await writer.createSessionWithinCap(newest, 2, Date.now())).toEqual([oldest.sessionHandle]);
    await other.received([oldest.sessionHandle]);
    expect((await writer.listSessionHandlesForUser({ userId: capUser }, Date.now())).sort()).toEqual(
      [kept.sessionHandle, newest.sessionHandle].sort(),
    );
    expect(other.revoked.has(kept.sessionHandle)).toBe(false);
    expect(other.changes).toEqual([]);
  });

  it("a new watcher first receives every retained revocation, and none older than its retentionMs", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const [old, recent] = await created(writer, 2);
    await writer.revokeSessions([old?.sessionHandle as string, recent?.sessionHandle as string]);
    // One of them recorded two hours ago: past the watcher's retention.
    await admin((client) => client.zadd(`${prefix}{revocations}`, Date.now() - 2 * HOUR, old?.sessionHandle as string));
    const late = await watch(open(prefix));
    // Delivered before watchRevocations resolved: the catch-up is part of starting.
    expect(late.revoked.has(recent?.sessionHandle as string)).toBe(true);
    expect(late.revoked.has(old?.sessionHandle as string)).toBe(false);
  });

  it("a revoke-by-user of 300 sessions arrives whole", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const watching = await watch(open(prefix));
    const userId = `user-${randomUUID()}`;
    const handles = (await created(writer, 300, { userId })).map((record) => record.sessionHandle);
    expect((await writer.revokeSessionsForUser({ userId })).sort()).toEqual([...handles].sort());
    await watching.received(handles);
  });

  it("a deletion that fails announces nothing and records nothing", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const watching = await watch(open(prefix));
    const [kept, barrier] = await created(writer, 2);
    // The feed key of the wrong type: the script fails at its first feed write, before any deletion.
    await admin((client) => client.set(`${prefix}{revocations}`, "not a sorted set"));
    const error = await rejectionOf(writer.revokeSessions([kept?.sessionHandle as string]));
    expect(error.code).toBe("STORE_ERROR");
    expect(await writer.getSession(kept?.sessionHandle as string)).toEqual(kept);
    const userError = await rejectionOf(writer.revokeSessionsForUser({ userId: kept?.userId as string }));
    expect(userError.code).toBe("STORE_ERROR");
    expect(await writer.getSession(kept?.sessionHandle as string)).toEqual(kept);

    await admin((client) => client.del(`${prefix}{revocations}`));
    // Messages on one connection arrive in order: once the later one is here, the failed ones never will.
    await writer.revokeSessions([barrier?.sessionHandle as string]);
    await watching.received([barrier?.sessionHandle as string]);
    expect(watching.revoked.has(kept?.sessionHandle as string)).toBe(false);
    expect(await admin((client) => client.zrange(`${prefix}{revocations}`, "0", "-1"))).toEqual([barrier?.sessionHandle]);
  });

  it("the subscriber connection killed: one outage report, then the revocations made meanwhile, then one recovery", async () => {
    const prefix = newPrefix();
    const tag = `latch-feed-${randomUUID()}`;
    const writer = open(prefix);
    const watching = await watch(open(prefix, { redisOptions: { connectionName: tag } }));
    const records = await created(writer, 3);

    const killed = await admin(async (client) => {
      const list = (await client.call("CLIENT", "LIST")) as string;
      const ids = list
        .split("\n")
        .filter((line) => line.includes(` name=${tag} `) && / sub=[1-9]/.test(line))
        .map((line) => /^id=(\d+)/.exec(line)?.[1] as string);
      for (const id of ids) await client.call("CLIENT", "KILL", "ID", id);
      return ids.length;
    });
    expect(killed).toBe(1);
    await watching.until(() => watching.changes.length >= 1, "the outage report");
    expect(watching.changes[0]?.connected).toBe(false);
    expect(watching.changes[0]?.cause).toBeInstanceOf(Error);
    await writer.revokeSessions(records.map((record) => record.sessionHandle));
    await watching.received(records.map((record) => record.sessionHandle));
    await watching.until(() => watching.changes.length >= 2, "the recovery report");
    expect(watching.changes).toEqual([watching.changes[0], { connected: true }]);

    const [after] = await created(writer, 1);
    await writer.revokeSessions([after?.sessionHandle as string]);
    await watching.received([after?.sessionHandle as string]);
  });

  it("the server stopped behind a proxy: the watcher reports it once, retries, and catches up when it is back", async () => {
    const prefix = newPrefix();
    const target = new URL(REDIS_URL);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 6379) });
    cleanups.push(() => proxy.close());
    const writer = open(prefix);
    const watching = await watch(open(prefix, { url: `redis://127.0.0.1:${proxy.port}` }));
    const records = await created(writer, 2);

    proxy.down();
    await watching.until(() => watching.changes.length >= 1, "the outage report");
    expect(watching.changes[0]?.connected).toBe(false);
    await writer.revokeSessions(records.map((record) => record.sessionHandle));
    // Retries fail while it is down (several backoff rounds), and are reported only once.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watching.changes).toHaveLength(1);
    expect(watching.revoked.size).toBe(0);

    proxy.up();
    await watching.received(records.map((record) => record.sessionHandle));
    await watching.until(() => watching.changes.length >= 2, "the recovery report");
    expect(watching.changes[1]).toEqual({ connected: true });
  });

  it("Redis unreachable at start: watchRevocations resolves, reports the outage once, close() stops the retries", async () => {
    const store = open(uniquePrefix(), { url: `redis://127.0.0.1:${await closedPort()}` });
    const watching = recordingWatcher();
    const subscription = await store.watchRevocations(watching.watcher, { retentionMs: HOUR });
    expect(watching.changes).toHaveLength(1);
    expect(watching.changes[0]?.connected).toBe(false);
    await subscription.close();
  });

  it("each revoking script prunes at most 100 entries older than the retention, and the feed key expires after it", async () => {
    const prefix = newPrefix();
    const writer = open(prefix, { revocationRetentionMs: 60_000 });
    const feed = `${prefix}{revocations}`;
    const old = Array.from({ length: 150 }, (_, i) => [Date.now() - 120_000, `aged-${i}`] as const);
    await admin((client) => client.zadd(feed, ...old.flat()));
    const [first, second] = await created(writer, 2);
    await writer.revokeSessions([first?.sessionHandle as string]);
    expect(await admin((client) => client.zcard(feed))).toBe(51);
    await writer.revokeSessions([second?.sessionHandle as string]);
    expect((await admin((client) => client.zrange(feed, "0", "-1"))).sort()).toEqual(
      [first?.sessionHandle as string, second?.sessionHandle as string].sort(),
    );
    const expiresAt = await admin((client) => client.pexpiretime(feed));
    expect(expiresAt).toBeGreaterThan(Date.now() + 50_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("refuses a revocationRetentionMs that is not a whole number of ms from 1 up", () => {
    for (const value of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RedisStore({ url: REDIS_URL, revocationRetentionMs: value })).toThrow(/revocationRetentionMs/);
    }
  });
});
