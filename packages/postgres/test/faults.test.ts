import { randomUUID } from "node:crypto";
import { afterReconnect, rejectionOf, runStoreOutageConformance, sessionRecord } from "@latch/testing/store";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index";
import { admin, dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// Nothing listening, the server down and back, idle connections dropped: the shared outage cases.
runStoreOutageConformance(
  "postgres",
  {
    url: POSTGRES_URL,
    async open(url) {
      const prefix = uniquePrefix();
      return { store: new PostgresStore({ connectionString: url, tablePrefix: prefix }), cleanup: () => dropTables(prefix) };
    },
  },
  { skip: skipReason },
);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A store whose connections carry a unique application_name, so the test can find and kill exactly them. */
function storeWithTaggedConnections(): { store: PostgresStore; tag: string; prefix: string } {
  const tag = `latch-fault-${randomUUID()}`;
  const prefix = uniquePrefix();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("application_name", tag);
  const store = new PostgresStore({ connectionString: url.toString(), tablePrefix: prefix, cleanupIntervalMs: 0 });
  cleanups.push(
    () => dropTables(prefix),
    () => store.close(),
  );
  return { store, tag, prefix };
}

const terminate = (tag: string) =>
  admin((client) => client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [tag]));

describe.skipIf(skipReason)("postgres faults", () => {
  it("connection terminated during an INSERT: StoreUnavailableError, no half-written session, the same store works again", async () => {
    const { store, tag, prefix } = storeWithTaggedConnections();
    await store.migrate();
    const record = sessionRecord({ sessionDataInDatabase: { big: "x".repeat(100_000) } });

    // Hold a lock that blocks the INSERT, kill the store's connection while it waits, then let go.
    await admin(async (locker) => {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE ${prefix}sessions IN ACCESS EXCLUSIVE MODE`);
      const pending = rejectionOf(store.createSession(record));
      await until(async () => {
        const waiting = await admin((client) =>
          client.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [tag]),
        );
        return waiting.rowCount === 1;
      }, "the INSERT to wait for the lock");
      await terminate(tag);
      const error = await pending;
      expect(error.code).toBe("STORE_UNAVAILABLE");
      expect(error.cause).toBeInstanceOf(Error);
      await locker.query("ROLLBACK");
    });

    // terminate() also killed the pool's idle connections: the first calls may still draw one.
    expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toBeUndefined();
    const rows = await admin((client) => client.query(`SELECT count(*)::int AS n FROM ${prefix}sessions`));
    expect(rows.rows).toEqual([{ n: 0 }]);
    await store.createSession(record);
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
  });

  it("connection terminated during a rotation: StoreUnavailableError, the row is unchanged, the retry rotates once", async () => {
    const { store, tag, prefix } = storeWithTaggedConnections();
    const record = sessionRecord();
    await store.createSession(record);
    const rotation = {
      sessionHandle: record.sessionHandle,
      expectedRefreshTokenHash2: record.refreshTokenHash2,
      newRefreshTokenHash2: "next-hash",
      rotatedAt: record.createdAt + 1,
      newExpiresAt: record.expiresAt + 1,
    };
    await admin(async (locker) => {
      await locker.query("BEGIN");
      await locker.query(`SELECT 1 FROM ${prefix}sessions WHERE session_handle = $1 FOR UPDATE`, [record.sessionHandle]);
      const pending = rejectionOf(store.rotateRefreshToken(rotation));
      await until(async () => {
        const waiting = await admin((client) =>
          client.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [tag]),
        );
        return waiting.rowCount === 1;
      }, "the UPDATE to wait for the row lock");
      await terminate(tag);
      expect((await pending).code).toBe("STORE_UNAVAILABLE");
      await locker.query("ROLLBACK");
    });
    expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
    expect(await store.rotateRefreshToken(rotation)).toBe(true);
    expect(await store.rotateRefreshToken(rotation)).toBe(false);
  });

  it("idle connections terminated between calls: only StoreUnavailableError until the same store has reconnected", async () => {
    const { store, tag } = storeWithTaggedConnections();
    const records = Array.from({ length: 5 }, () => sessionRecord());
    // Several connections in the pool, all idle when they are killed.
    await Promise.all(records.map((record) => store.createSession(record)));
    await terminate(tag);
    for (const record of records) expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
  });
});
