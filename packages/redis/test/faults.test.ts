import { randomUUID } from "node:crypto";
import {
  afterReconnect,
  type FaultProxy,
  rejectionOf,
  respCommand,
  runStoreOutageConformance,
  sessionRecord,
  startFaultProxy,
} from "@latch/testing/store";
import { afterEach, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index";
import { admin, deleteKeys, keysWithPrefix, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const realServer = new URL(REDIS_URL);

// Nothing listening, the server down and back, idle connections dropped: the shared outage cases.
runStoreOutageConformance(
  "redis",
  {
    url: REDIS_URL,
    async open(url) {
      const prefix = uniquePrefix();
      return { store: new RedisStore({ url, keyPrefix: prefix }), cleanup: () => deleteKeys(prefix) };
    },
  },
  { skip: skipReason },
);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store that reaches Redis through a proxy the test can cut. */
async function storeBehindProxy(): Promise<{ store: RedisStore; proxy: FaultProxy; prefix: string }> {
  const proxy = await startFaultProxy({ host: realServer.hostname, port: Number(realServer.port || 6379) });
  const prefix = uniquePrefix();
  const url = new URL(REDIS_URL);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const store = new RedisStore({ url: url.toString(), keyPrefix: prefix });
  cleanups.push(
    () => deleteKeys(prefix),
    () => proxy.close(),
    () => store.close(),
  );
  return { store, proxy, prefix };
}

describe.skipIf(skipReason)("redis faults", () => {
  it("connection cut between claiming the handle and writing the session: StoreUnavailableError, nothing visible, store works again", async () => {
    const { store, proxy, prefix } = await storeBehindProxy();
    await store.createSession(sessionRecord()); // connects and loads the scripts
    const record = sessionRecord();
    const cut = proxy.cutWhen((chunk) => respCommand(chunk, "EVALSHA"));
    const error = await rejectionOf(store.createSession(record));
    await cut;
    expect(error.code).toBe("STORE_UNAVAILABLE");

    expect(await store.getSession(record.sessionHandle)).toBeUndefined();
    expect(await store.listSessionHandlesForUser({ userId: record.userId }, Date.now())).toEqual([]);
    expect(await store.revokeSessionsForUser({ userId: record.userId })).toEqual([]);
    // Only the claim on the handle remains (it expires with the session it was for); no session hash, no index.
    const keys = await keysWithPrefix(prefix);
    expect(keys.filter((key) => key.includes(record.sessionHandle) || key.includes(record.userId))).toEqual([
      expect.stringContaining("{h:"),
    ]);

    const next = sessionRecord({ userId: record.userId });
    await store.createSession(next);
    expect(await store.getSession(next.sessionHandle)).toEqual(next);
  });

  it("connection cut during a rotation: StoreUnavailableError, the session unchanged, the retry rotates once", async () => {
    const { store, proxy } = await storeBehindProxy();
    const record = sessionRecord();
    await store.createSession(record);
    const rotation = {
      sessionHandle: record.sessionHandle,
      expectedRefreshTokenHash2: record.refreshTokenHash2,
      newRefreshTokenHash2: "next-hash",
      rotatedAt: record.createdAt + 1,
      newExpiresAt: record.expiresAt + 1,
    };
    const cut = proxy.cutWhen((chunk) => respCommand(chunk, "EVALSHA"));
    expect((await rejectionOf(store.rotateRefreshToken(rotation))).code).toBe("STORE_UNAVAILABLE");
    await cut;
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
    expect(await store.rotateRefreshToken(rotation)).toBe(true);
    expect(await store.rotateRefreshToken(rotation)).toBe(false);
  });

  it("connection cut during a revoke: StoreUnavailableError, then the revoke completes", async () => {
    const { store, proxy } = await storeBehindProxy();
    const record = sessionRecord();
    await store.createSession(record);
    const cut = proxy.cutWhen((chunk) => respCommand(chunk, "EVALSHA"));
    expect((await rejectionOf(store.revokeSessions([record.sessionHandle]))).code).toBe("STORE_UNAVAILABLE");
    await cut;
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
    expect(await store.revokeSessions([record.sessionHandle])).toEqual([record.sessionHandle]);
    expect(await store.getSession(record.sessionHandle)).toBeUndefined();
  });

  it("CLIENT KILL of the store's connection: only StoreUnavailableError until the same store has reconnected", async () => {
    const connectionName = `latch-fault-${randomUUID()}`;
    const prefix = uniquePrefix();
    const store = new RedisStore({ url: REDIS_URL, keyPrefix: prefix, redisOptions: { connectionName } });
    cleanups.push(
      () => deleteKeys(prefix),
      () => store.close(),
    );
    const record = sessionRecord();
    await store.createSession(record);
    const killed = await admin(async (client) => {
      const list = (await client.client("LIST")) as string;
      const ids = list
        .split("\n")
        .filter((line) => line.includes(` name=${connectionName} `))
        .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
      for (const id of ids) if (id) await client.client("KILL", "ID", id);
      return ids.length;
    });
    expect(killed).toBe(1);
    expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
  });
});
