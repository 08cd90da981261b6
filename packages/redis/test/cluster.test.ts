// The Redis store on a real 3-master Redis Cluster that this file starts on free ports and stops
// after: the whole store conformance suite, then a master stopped (503s, nothing half-written) and
// started again (the same store instance recovers, nothing lost).
import type { SessionRecord } from "@latch/core";
import {
  checkManyProcesses,
  type LocalRedisCluster,
  recordingWatcher,
  redisClusterToolsMissing,
  runStoreConformance,
  sessionRecord,
  startRedisCluster,
} from "@latch/testing/store";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slotOfTag } from "../src/cluster-slots";
import { RedisStore, storeFromUrl } from "../src/index";
import { uniquePrefix } from "./service";

const missing = await redisClusterToolsMissing();
if (missing) console.warn(`\u26a0\ufe0f  SKIPPING the Redis Cluster tests: ${missing}`);
let started: LocalRedisCluster | undefined;

beforeAll(async () => {
  if (!missing) started = await startRedisCluster();
}, 90_000);
afterAll(async () => {
  await started?.stop();
}, 30_000);

function cluster(): LocalRedisCluster {
  if (!started) throw new Error("the cluster did not start");
  return started;
}

/** The seed nodes of the cluster, as `clusterNodes`. */
function seeds() {
  return cluster().ports.map((port) => ({ host: "127.0.0.1", port }));
}

runStoreConformance(
  "redis (3-master Cluster)",
  async () => {
    const keyPrefix = uniquePrefix();
    return {
      // A small cleanupBatchSize, so the suite's cleanup cases span many SCAN batches on every master.
      store: new RedisStore({ clusterNodes: seeds(), keyPrefix, cleanupBatchSize: 4 }),
      reopen: async () => new RedisStore({ clusterNodes: seeds(), keyPrefix }),
      // The cluster, keys and all, is stopped at the end of the file.
    };
  },
  { skip: missing, timeout: 30_000 },
);

/** The call's value, or "unavailable" for StoreUnavailableError; any other error fails the test. */
async function valueOrUnavailable<T>(call: () => Promise<T>): Promise<T | "unavailable"> {
  try {
    return await call();
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "STORE_UNAVAILABLE") return "unavailable";
    throw error;
  }
}

/** Retries while the store says unavailable (the client finds the restarted master again), for up to `ms`. */
async function onceAvailable<T>(call: () => Promise<T>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const result = await valueOrUnavailable(call);
    if (result !== "unavailable") return result;
    if (Date.now() > deadline) throw new Error("still unavailable");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(missing)("redis store on a 3-master Cluster: a master stopped and started again", () => {
  it("answers StoreUnavailableError while a master is down (never another error), writes nothing half, loses nothing", async () => {
    // From a URL, as LATCH_STORE configures it: one seed node names the whole cluster.
    const store = storeFromUrl(`redis+cluster://127.0.0.1:${cluster().ports[0]}`);
    try {
      // Forty users: their hash tags spread over all three masters' slots.
      const records = Array.from({ length: 40 }, (_, i) => sessionRecord({ userId: `cluster-user-${i}` }));
      for (const record of records) await store.createSession(record);

      await cluster().stopMaster(1);
      const reads = await Promise.all(records.map((record) => valueOrUnavailable(() => store.getSession(record.sessionHandle))));
      expect(reads.filter((read) => read === "unavailable").length).toBeGreaterThan(0);
      reads.forEach((read, i) => {
        if (read !== "unavailable") expect(read).toEqual(records[i]);
      });
      // Creates during the outage either succeed whole or fail with StoreUnavailableError.
      const attempts = Array.from({ length: 20 }, (_, i) => sessionRecord({ userId: `cluster-outage-${i}` }));
      const created = await Promise.all(attempts.map((record) => valueOrUnavailable(() => store.createSession(record))));
      expect(created.filter((result) => result === "unavailable").length).toBeGreaterThan(0);

      await cluster().startMaster(1);
      for (const record of records) expect(await onceAvailable(() => store.getSession(record.sessionHandle))).toEqual(record);
      for (const [i, record] of attempts.entries()) {
        const read = await onceAvailable(() => store.getSession(record.sessionHandle));
        // A create that failed left no session behind; one that succeeded is whole.
        if (created[i] === "unavailable") expect(read).toBeUndefined();
        else expect(read).toEqual(record);
        const listed = await onceAvailable(() => store.listSessionHandlesForUser({ userId: record.userId }, Date.now()));
        expect(listed).toEqual(created[i] === "unavailable" ? [] : [record.sessionHandle]);
      }
      const next: SessionRecord = sessionRecord({ userId: "cluster-after" });
      await onceAvailable(() => store.createSession(next));
      expect(await store.getSession(next.sessionHandle)).toEqual(next);
    } finally {
      await store.close();
    }
  }, 90_000);
});

describe.skipIf(missing)("redis store on a 3-master Cluster: four processes at once", () => {
  it("under write load: no error surfaces, nothing lost", async () => {
    const keyPrefix = uniquePrefix();
    await checkManyProcesses(
      {
        moduleUrl: new URL("../dist/index.js", import.meta.url).href,
        className: "RedisStore",
        options: { clusterNodes: seeds(), keyPrefix, cleanupBatchSize: 5 },
        open: () => new RedisStore({ clusterNodes: seeds(), keyPrefix }),
      },
      { processes: 4, sessionsPerProcess: 60, budgetMs: 150_000 },
    );
  }, 180_000);
});

/** Runs commands on a short-lived connection to one master. */
async function onNode<T>(port: number, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    client.disconnect();
  }
}

describe.skipIf(missing)("redis revocation feed on a 3-master Cluster", () => {
  it("computes the slot of a user's hash tag as the Cluster does, hostile ids included", async () => {
    for (const userId of ["plain", "evil}{user}%7d", "ünïcødé 日本語", "emoji 😀👩‍👩‍👧‍👦", `${"😀".repeat(255)}xy`]) {
      const tag = `u:${userId.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`)}`;
      const slot = await onNode(cluster().ports[0] as number, (client) => client.call("CLUSTER", "KEYSLOT", `x{${tag}}y`));
      expect(slotOfTag(tag)).toBe(slot);
    }
  });

  it("revocations of users on every master reach another instance's watcher, and a later watcher catches up from every slot", async () => {
    const keyPrefix = uniquePrefix();
    const writer = new RedisStore({ clusterNodes: seeds(), keyPrefix });
    const reader = new RedisStore({ clusterNodes: seeds(), keyPrefix });
    const late = new RedisStore({ clusterNodes: seeds(), keyPrefix });
    try {
      const watching = recordingWatcher();
      await reader.watchRevocations(watching.watcher, { retentionMs: 3_600_000 });
      const records = Array.from({ length: 40 }, (_, i) => sessionRecord({ userId: `feed-user-${i}` }));
      for (const record of records) await writer.createSession(record);
      const half = records.slice(0, 20);
      expect(await writer.revokeSessions(half.map((record) => record.sessionHandle))).toHaveLength(20);
      for (const record of records.slice(20)) await writer.revokeSessionsForUser({ userId: record.userId });
      const handles = records.map((record) => record.sessionHandle);
      await watching.received(handles);
      expect(watching.changes).toEqual([]);

      const caughtUp = recordingWatcher();
      await late.watchRevocations(caughtUp.watcher, { retentionMs: 3_600_000 });
      expect(handles.filter((handle) => !caughtUp.revoked.has(handle))).toEqual([]);
    } finally {
      await Promise.all([writer.close(), reader.close(), late.close()]);
    }
  }, 60_000);

  it("the subscriber's master stopped: one outage report; started again: one recovery, and revocations arrive again", async () => {
    const keyPrefix = uniquePrefix();
    const name = `latch-feed-${keyPrefix}`;
    const watchingStore = new RedisStore({ clusterNodes: seeds(), keyPrefix, redisOptions: { connectionName: name } });
    const writer = new RedisStore({ clusterNodes: seeds(), keyPrefix });
    try {
      const watching = recordingWatcher();
      await watchingStore.watchRevocations(watching.watcher, { retentionMs: 3_600_000 });
      const ports = cluster().ports;
      const subscribed = await Promise.all(
        ports.map((port) =>
          onNode(port, async (client) => {
            const list = (await client.call("CLIENT", "LIST")) as string;
            return list.split("\n").some((line) => line.includes(` name=${name} `) && / sub=[1-9]/.test(line));
          }),
        ),
      );
      const index = subscribed.indexOf(true);
      expect(subscribed.filter(Boolean)).toHaveLength(1);

      await cluster().stopMaster(index);
      await watching.until(() => watching.changes.length >= 1, "the outage report");
      expect(watching.changes[0]?.connected).toBe(false);
      await cluster().startMaster(index);
      await watching.until(() => watching.changes.length >= 2, "the recovery report", 60_000);
      expect(watching.changes[1]).toEqual({ connected: true });

      const record = sessionRecord({ userId: "feed-after-restart" });
      await onceAvailable(() => writer.createSession(record));
      await onceAvailable(() => writer.revokeSessions([record.sessionHandle]));
      await watching.received([record.sessionHandle]);
    } finally {
      await Promise.all([watchingStore.close(), writer.close()]);
    }
  }, 120_000);
});
