import { afterReconnect, rejectionOf, runStoreOutageConformance, sessionRecord } from "@latch/testing/store";
import type { Connection, RowDataPacket } from "mysql2/promise";
import { afterEach, describe, expect, it } from "vitest";
import { MysqlStore } from "../src/index";
import { admin, dropTables, MYSQL_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// Nothing listening, the server down and back, idle connections dropped: the shared outage cases.
runStoreOutageConformance(
  "mysql",
  {
    url: MYSQL_URL,
    async open(url) {
      const prefix = uniquePrefix();
      return { store: new MysqlStore({ uri: url, tablePrefix: prefix }), cleanup: () => dropTables(prefix) };
    },
  },
  { skip: skipReason },
);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newStore(): { store: MysqlStore; prefix: string } {
  const prefix = uniquePrefix();
  const store = new MysqlStore({ uri: MYSQL_URL, tablePrefix: prefix, cleanupIntervalMs: 0 });
  cleanups.push(
    () => dropTables(prefix),
    () => store.close(),
  );
  return { store, prefix };
}

/**
 * Waits until a statement of the store that starts like `statement` (a LIKE pattern) is running on
 * this prefix's tables, then kills its connection. The test holds a lock the statement needs, so it is
 * caught mid-flight. (Not via innodb_trx: MariaDB serves that from a cache that can lag behind.)
 */
async function killWhileRunning(statement: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const killed = await admin(async (connection) => {
      const [rows] = await connection.query<RowDataPacket[]>(
        "SELECT id FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND command IN ('Query', 'Execute') AND info LIKE ?",
        [statement],
      );
      for (const row of rows) await connection.query(`KILL ${Number(row.id)}`);
      return rows.length;
    });
    if (killed > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no running statement like ${statement}`);
}

async function withLock<T>(lock: (locker: Connection) => Promise<unknown>, during: () => Promise<T>): Promise<T> {
  return admin(async (locker) => {
    await lock(locker);
    try {
      return await during();
    } finally {
      await locker.query("ROLLBACK");
      await locker.query("UNLOCK TABLES");
    }
  });
}

describe.skipIf(skipReason)("mysql faults", () => {
  it("connection killed during an INSERT: StoreUnavailableError, no half-written session, the same store works again", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    const record = sessionRecord({ sessionDataInDatabase: { big: "x".repeat(100_000) } });
    const error = await withLock(
      (locker) => locker.query(`LOCK TABLES ${prefix}sessions WRITE`),
      async () => {
        const pending = rejectionOf(store.createSession(record));
        await killWhileRunning(`INSERT INTO ${prefix}sessions%`);
        return pending;
      },
    );
    expect(error.code).toBe("STORE_UNAVAILABLE");
    expect(error.cause).toBeInstanceOf(Error);
    expect(await store.getSession(record.sessionHandle)).toBeUndefined();
    const [count] = await admin((connection) => connection.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${prefix}sessions`));
    expect(count).toEqual([{ n: 0 }]);
    await store.createSession(record);
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
  });

  it("connection killed inside the revoke transaction: StoreUnavailableError, nothing deleted, the retry revokes", async () => {
    const { store, prefix } = newStore();
    const records = [sessionRecord({ userId: "u" }), sessionRecord({ userId: "u" })];
    for (const record of records) await store.createSession(record);
    const second = records[1]?.sessionHandle ?? "";
    const error = await withLock(
      async (locker) => {
        await locker.query("BEGIN");
        // Lock only the second row: the store's transaction locks the first, then waits on the second.
        await locker.query(`SELECT 1 FROM ${prefix}sessions WHERE session_handle = ? FOR UPDATE`, [second]);
      },
      async () => {
        const pending = rejectionOf(store.revokeSessionsForUser({ userId: "u" }));
        await killWhileRunning(`SELECT session_handle FROM ${prefix}sessions%FOR UPDATE`);
        return pending;
      },
    );
    expect(error.code).toBe("STORE_UNAVAILABLE");
    for (const record of records) expect(await store.getSession(record.sessionHandle)).toEqual(record);
    expect((await store.revokeSessionsForUser({ userId: "u" })).sort()).toEqual(records.map((r) => r.sessionHandle).sort());
  });

  it("connection killed during a rotation: StoreUnavailableError, the row unchanged, the retry rotates once", async () => {
    const { store, prefix } = newStore();
    const record = sessionRecord();
    await store.createSession(record);
    const rotation = {
      sessionHandle: record.sessionHandle,
      expectedRefreshTokenHash2: record.refreshTokenHash2,
      newRefreshTokenHash2: "next-hash",
      rotatedAt: record.createdAt + 1,
      newExpiresAt: record.expiresAt + 1,
    };
    const error = await withLock(
      async (locker) => {
        await locker.query("BEGIN");
        await locker.query(`SELECT 1 FROM ${prefix}sessions WHERE session_handle = ? FOR UPDATE`, [record.sessionHandle]);
      },
      async () => {
        const pending = rejectionOf(store.rotateRefreshToken(rotation));
        await killWhileRunning(`UPDATE ${prefix}sessions SET parent_refresh_token_hash2%`);
        return pending;
      },
    );
    expect(error.code).toBe("STORE_UNAVAILABLE");
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
    expect(await store.rotateRefreshToken(rotation)).toBe(true);
    expect(await store.rotateRefreshToken(rotation)).toBe(false);
  });

  it("idle connections killed between calls: only StoreUnavailableError until the same store has reconnected", async () => {
    // A database of its own, so the test finds (and kills) only this store's connections.
    const database = `latch_fault_${uniquePrefix().slice("latch_t".length, -1)}`;
    await admin((connection) => connection.query(`CREATE DATABASE ${database}`));
    cleanups.push(() => admin((connection) => connection.query(`DROP DATABASE IF EXISTS ${database}`)));
    const url = new URL(MYSQL_URL);
    url.pathname = `/${database}`;
    const store = new MysqlStore({ uri: url.toString() });
    cleanups.push(() => store.close());
    const records = Array.from({ length: 5 }, () => sessionRecord());
    await Promise.all(records.map((record) => store.createSession(record)));
    const killed = await admin(async (connection) => {
      const [rows] = await connection.query<RowDataPacket[]>(
        "SELECT id FROM information_schema.processlist WHERE db = ? AND command = 'Sleep'",
        [database],
      );
      for (const row of rows) await connection.query(`KILL ${Number(row.id)}`);
      return rows.length;
    });
    expect(killed).toBeGreaterThan(0);
    for (const record of records) expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
  });
});
