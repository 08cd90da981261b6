// The Redis store on a real 3-master Redis Cluster that this file starts on free ports and stops
// after: the whole store conformance suite, then a master stopped (503s, nothing half-written) and
// started again (the same store instance recovers, nothing lost).
import type { SessionRecord } from "@latch/core";
import {
  checkManyProcesses,
  type LocalRedisCluster,
  redisClusterToolsMissing,
  runStoreConformance,
  sessionRecord,
  startRedisCluster,
} from "@latch/testing/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
