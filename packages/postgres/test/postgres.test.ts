import { ConfigError } from "@latch/core";
import { rejectionOf, sessionRecord } from "@latch/testing/store";
import { Pool } from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore, postgresStore, storeFromUrl } from "../src/index";
import { admin, dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newStore(options: Partial<ConstructorParameters<typeof PostgresStore>[0]> = {}): { store: PostgresStore; prefix: string } {
  const prefix = options.tablePrefix ?? uniquePrefix();
  const store = new PostgresStore({ connectionString: POSTGRES_URL, ...options, tablePrefix: prefix });
  cleanups.push(
    () => dropTables(prefix),
    () => store.close(),
  );
  return { store, prefix };
}

async function tablesOf(prefix: string): Promise<string[]> {
  const result = await admin((client) =>
    client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE $1 ORDER BY tablename", [`${prefix}%`]),
  );
  return result.rows.map((row) => row.tablename);
}

describe.skipIf(skipReason)("postgres store", () => {
  it("migrate() creates the prefixed tables, both indexes and version 1; running it again changes nothing", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    await store.migrate();
    expect(await tablesOf(prefix)).toEqual([`${prefix}schema_version`, `${prefix}sessions`, `${prefix}signing_keys`]);
    const indexes = await admin((client) =>
      client.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname", [`${prefix}sessions`]),
    );
    const definitions = indexes.rows.map((row) => row.indexdef).join("\n");
    expect(definitions).toContain("(expires_at)");
    expect(definitions).toContain("(user_id, tenant_id)");
    const versions = await admin((client) => client.query(`SELECT version FROM ${prefix}schema_version`));
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it("migrates by itself before the first query", async () => {
    const { store, prefix } = newStore();
    expect(await tablesOf(prefix)).toEqual([]);
    const record = sessionRecord();
    await store.createSession(record);
    expect(await store.getSession(record.sessionHandle)).toEqual(record);
    expect(await tablesOf(prefix)).toHaveLength(3);
  });

  it("lets several instances migrate one fresh database at once (advisory lock): one version row", async () => {
    const prefix = uniquePrefix();
    const stores = Array.from({ length: 5 }, () => newStore({ tablePrefix: prefix }).store);
    await Promise.all(stores.map((store) => store.migrate()));
    const versions = await admin((client) => client.query(`SELECT version FROM ${prefix}schema_version`));
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it("refuses a database whose schema is newer than this package", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    await admin((client) => client.query(`INSERT INTO ${prefix}schema_version (version) VALUES (99)`));
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
      Number(
        (await admin((client) => client.query(`SELECT count(*) AS n FROM ${prefix}sessions WHERE expires_at <= $1`, [Date.now()]))).rows[0]
          ?.n,
      );
    for (let attempt = 0; attempt < 100 && (await expiredRows()) > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await expiredRows()).toBe(0);
    expect(await cleaning.getSession(live.sessionHandle)).toEqual(live);
  });

  it("runs on the app's pool and leaves it open on close()", async () => {
    const pool = new Pool({ connectionString: POSTGRES_URL });
    cleanups.push(() => pool.end());
    const { store, prefix } = newStore({ pool, connectionString: undefined });
    const record = sessionRecord();
    await store.createSession(record);
    await store.close();
    const rows = await pool.query(`SELECT session_handle FROM ${prefix}sessions`);
    expect(rows.rows).toEqual([{ session_handle: record.sessionHandle }]);
    expect((await rejectionOf(store.getSession(record.sessionHandle))).code).toBe("STORE_UNAVAILABLE");
  });

  it("rejects a bad table prefix and a missing connection", () => {
    for (const tablePrefix of ["x; DROP TABLE y; --", "Upper_", "a-b", ""]) {
      expect(() => new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix })).toThrow(
        expect.objectContaining({ code: "STORE_ERROR" }),
      );
    }
    expect(() => new PostgresStore({})).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
  });

  it("maps a value PostgreSQL refuses (NUL in a text column) to StoreError and writes nothing", async () => {
    const { store } = newStore();
    const record = sessionRecord({ userId: "nul\u0000user" });
    const error = await rejectionOf(store.createSession(record));
    expect(error.code).toBe("STORE_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
    expect(await store.getSession(record.sessionHandle)).toBeUndefined();
  });

  it("opens from postgresStore() and storeFromUrl()", async () => {
    const prefix = uniquePrefix();
    const record = sessionRecord();
    const viaFactory = postgresStore({ connectionString: POSTGRES_URL, tablePrefix: prefix });
    cleanups.push(
      () => dropTables(prefix),
      () => viaFactory.close(),
    );
    await viaFactory.createSession(record);
    const viaUrl = storeFromUrl(POSTGRES_URL);
    cleanups.push(() => viaUrl.close());
    expect(viaUrl.name).toBe("postgres");
    expect(() => storeFromUrl("mysql://x")).toThrow(ConfigError);
  });
});
