import { ConfigError } from "@latch/core";
import { rejectionOf, sessionRecord } from "@latch/testing/store";
import { createPool, type RowDataPacket } from "mysql2/promise";
import { afterEach, describe, expect, it } from "vitest";
import { MysqlStore, mysqlStore, storeFromUrl } from "../src/index";
import { admin, dropTables, MYSQL_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newStore(options: Partial<ConstructorParameters<typeof MysqlStore>[0]> = {}): { store: MysqlStore; prefix: string } {
  const prefix = options.tablePrefix ?? uniquePrefix();
  const store = new MysqlStore({ uri: MYSQL_URL, ...options, tablePrefix: prefix });
  cleanups.push(
    () => dropTables(prefix),
    () => store.close(),
  );
  return { store, prefix };
}

async function rows(sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  return admin(async (connection) => (await connection.query<RowDataPacket[]>(sql, values))[0]);
}

describe.skipIf(skipReason)("mysql store", () => {
  it("migrate() creates the prefixed tables, both indexes and versions 1 to 3; running it again changes nothing", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    await store.migrate();
    const tables = await rows(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ? ORDER BY 1",
      [`${prefix}%`],
    );
    expect(tables.map((t) => t.name)).toEqual([
      `${prefix}revocations`,
      `${prefix}schema_version`,
      `${prefix}sessions`,
      `${prefix}signing_keys`,
    ]);
    const indexes = await rows(
      `SELECT index_name AS name, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics
       WHERE table_schema = DATABASE() AND table_name = ? GROUP BY index_name ORDER BY index_name`,
      [`${prefix}sessions`],
    );
    expect(indexes.map((i) => `${i.name}:${i.columns}`)).toEqual([
      `${prefix}sessions_expires_at:expires_at`,
      `${prefix}sessions_user_tenant:user_id,tenant_id`,
      "PRIMARY:session_handle",
    ]);
    expect(await rows(`SELECT version FROM ${prefix}schema_version ORDER BY version`)).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
  });

  it("migrates by itself before the first query", async () => {
    const { store } = newStore();
    const record = sessionRecord();
    await store.createSession(record);
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
  });

  it("lets several instances migrate one fresh database at once (GET_LOCK): one version row", async () => {
    const prefix = uniquePrefix();
    const stores = Array.from({ length: 5 }, () => newStore({ tablePrefix: prefix }).store);
    await Promise.all(stores.map((store) => store.migrate()));
    expect(await rows(`SELECT version FROM ${prefix}schema_version ORDER BY version`)).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
  });

  it("upgrades a version 1 database: old sessions read with null device details, new ones keep theirs", async () => {
    const { store, prefix } = newStore();
    const old = sessionRecord({ userAgent: null, ip: null });
    await store.createSession(old);
    // Back to version 1 as it shipped: the sessions table without the device columns.
    await rows(`ALTER TABLE ${prefix}sessions DROP COLUMN user_agent, DROP COLUMN ip`);
    await rows(`DELETE FROM ${prefix}schema_version WHERE version >= 2`);
    const { store: upgraded } = newStore({ tablePrefix: prefix });
    expect(await upgraded.getSession(old.sessionHandle)).toEqual(old);
    const fresh = sessionRecord({ userId: old.userId, userAgent: "Firefox/128.0", ip: "2001:db8::1" });
    await upgraded.createSession(fresh);
    expect(await upgraded.getSession(fresh.sessionHandle)).toEqual(fresh);
    expect(await rows(`SELECT version FROM ${prefix}schema_version ORDER BY version`)).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
  });

  it("runs the version 2 step again safely after a failure half-way (MySQL cannot roll DDL back)", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    // As if the step had added user_agent, then failed before ip and before recording version 2.
    await rows(`ALTER TABLE ${prefix}sessions DROP COLUMN ip`);
    await rows(`DELETE FROM ${prefix}schema_version WHERE version >= 2`);
    const { store: retried } = newStore({ tablePrefix: prefix });
    const record = sessionRecord({ ip: "192.0.2.1" });
    await retried.createSession(record);
    expect(await retried.getSession(record.sessionHandle)).toEqual(record);
  });

  it("refuses a database whose schema is newer than this package", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    await rows(`INSERT INTO ${prefix}schema_version (version) VALUES (99)`);
    const { store: later } = newStore({ tablePrefix: prefix });
    const error = await rejectionOf(later.getSession("x"));
    expect(error.code).toBe("STORE_ERROR");
    expect(error.message).toContain("schema version 99");
  });

  it("deletes expired sessions by itself, in the background of a createSession", async () => {
    const { store: quiet, prefix } = newStore({ cleanupIntervalMs: 0 });
    await quiet.createSession(sessionRecord({ expiresAt: Date.now() - 1_000 }));
    const { store: cleaning } = newStore({ tablePrefix: prefix });
    const live = sessionRecord();
    await cleaning.createSession(live);
    const expiredRows = async () =>
      Number((await rows(`SELECT COUNT(*) AS n FROM ${prefix}sessions WHERE expires_at <= ?`, [Date.now()]))[0]?.n);
    for (let attempt = 0; attempt < 100 && (await expiredRows()) > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await expiredRows()).toBe(0);
    expect(await cleaning.getSession(live.sessionHandle)).toEqual(live);
  });

  it("runs on the app's pool and leaves it open on close()", async () => {
    const pool = createPool({ uri: MYSQL_URL });
    cleanups.push(() => pool.end());
    const { store, prefix } = newStore({ pool, uri: undefined });
    const record = sessionRecord();
    await store.createSession(record);
    await store.close();
    const [found] = await pool.query<RowDataPacket[]>(`SELECT CAST(session_handle AS CHAR) AS handle FROM ${prefix}sessions`);
    expect(found).toEqual([{ handle: record.sessionHandle }]);
    expect((await rejectionOf(store.getSession(record.sessionHandle))).code).toBe("STORE_UNAVAILABLE");
  });

  it("rejects a bad table prefix and a missing connection", () => {
    for (const tablePrefix of ["x; DROP TABLE y; --", "Upper_", "a-b", ""]) {
      expect(() => new MysqlStore({ uri: MYSQL_URL, tablePrefix })).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
    }
    expect(() => new MysqlStore({})).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
  });

  it("maps a value the server refuses (a user id longer than its column) to StoreError and writes nothing", async () => {
    const { store } = newStore();
    const record = sessionRecord({ userId: "x".repeat(5_000) });
    const error = await rejectionOf(store.createSession(record));
    expect(error.code).toBe("STORE_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(await store.getSession(record.sessionHandle)).toBeUndefined();
  });

  it("opens from mysqlStore() and storeFromUrl()", async () => {
    const viaFactory = mysqlStore({ uri: MYSQL_URL, tablePrefix: uniquePrefix() });
    cleanups.push(() => viaFactory.close());
    const viaUrl = storeFromUrl(MYSQL_URL.replace(/^mysql:/, "mariadb:"));
    cleanups.push(() => viaUrl.close());
    expect(viaUrl.name).toBe("mysql");
    expect(() => storeFromUrl("postgres://x")).toThrow(ConfigError);
  });
});
