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
  it("migrate() creates the prefixed tables, both indexes and every version; running it again changes nothing", async () => {
    const { store, prefix } = newStore();
    await store.migrate();
    await store.migrate();
    expect(await tablesOf(prefix)).toEqual([
      `${prefix}revocations`,
      `${prefix}schema_version`,
      `${prefix}sessions`,
      `${prefix}signing_keys`,
    ]);
    const indexes = await admin((client) =>
      client.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = $1 ORDER BY indexname", [`${prefix}sessions`]),
    );
    const definitions = indexes.rows.map((row) => row.indexdef).join("\n");
    expect(definitions).toContain("(expires_at)");
    expect(definitions).toContain("(user_id, tenant_id, expires_at)");
    expect(definitions).not.toContain("(user_id, tenant_id)");
    const versions = await admin((client) => client.query(`SELECT version FROM ${prefix}schema_version ORDER BY version`));
    expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
  });

  it("upgrades a version-1 database: its sessions stay, the user index gains expires_at", async () => {
    const { prefix } = newStore();
    const record = sessionRecord();
    // A database as @latch/postgres with schema version 1 left it.
    await admin(async (client) => {
      await client.query(`CREATE TABLE ${prefix}schema_version (version integer NOT NULL)`);
      await client.query(`INSERT INTO ${prefix}schema_version (version) VALUES (1)`);
      await client.query(`CREATE TABLE ${prefix}sessions (session_handle text NOT NULL PRIMARY KEY, user_id text NOT NULL,
        recipe_user_id text NOT NULL, tenant_id text NOT NULL, session_data text NOT NULL, access_token_payload text NOT NULL,
        refresh_token_hash2 text NOT NULL, parent_refresh_token_hash2 text, refresh_token_rotated_at bigint,
        refresh_token_rotation_key text NOT NULL, expires_at bigint NOT NULL, created_at bigint NOT NULL)`);
      await client.query(`CREATE INDEX ${prefix}sessions_user_tenant ON ${prefix}sessions (user_id, tenant_id)`);
      await client.query(`CREATE INDEX ${prefix}sessions_expires_at ON ${prefix}sessions (expires_at)`);
      await client.query(`CREATE TABLE ${prefix}signing_keys (kid text NOT NULL PRIMARY KEY, algorithm text NOT NULL,
        private_jwk text NOT NULL, public_jwk text NOT NULL, created_at bigint NOT NULL)`);
      await client.query(`INSERT INTO ${prefix}sessions VALUES ($1, $2, $3, $4, '{}', '{}', $5, NULL, NULL, $6, $7, $8)`, [
        record.sessionHandle,
        record.userId,
        record.recipeUserId,
        record.tenantId,
        record.refreshTokenHash2,
        record.refreshTokenRotationKey,
        record.expiresAt,
        record.createdAt,
      ]);
    });
    const { store } = newStore({ tablePrefix: prefix });
    expect(await store.listSessionHandlesForUser({ userId: record.userId }, Date.now())).toEqual([record.sessionHandle]);
    const indexes = await admin((client) =>
      client.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = $1", [`${prefix}sessions`]),
    );
    expect(indexes.rows.map((row) => row.indexname).sort()).toEqual(
      [`${prefix}sessions_expires_at`, `${prefix}sessions_pkey`, `${prefix}sessions_user_tenant_expires`].sort(),
    );
  });

  it("lists a user's sessions through one index range on a table never ANALYZEd (no BitmapAnd with expires_at)", async () => {
    const { store, prefix } = newStore({ cleanupIntervalMs: 0 });
    await store.migrate();
    // 20,000 rows written in one statement: autovacuum has not analyzed them when the plan is asked for.
    await admin((client) =>
      client.query(
        `INSERT INTO ${prefix}sessions SELECT 'h' || i, 'user' || (i % 4000), 'user' || (i % 4000), 'public', '{}', '{}', 'x', NULL, NULL, 'k',
          1800000000000 + i, 1700000000000 FROM generate_series(1, 20000) AS i`,
      ),
    );
    for (const [types, where, values] of [
      ["text, bigint", "user_id = $1 AND expires_at > $2", "'user42', 1700000000000"],
      ["text, text, bigint", "user_id = $1 AND tenant_id = $2 AND expires_at > $3", "'user42', 'public', 1700000000000"],
    ]) {
      const plan = await admin(async (client) => {
        // The generic plan is what the store's named prepared statement settles on after five executions.
        await client.query("SET plan_cache_mode = force_generic_plan");
        await client.query(`PREPARE listing (${types}) AS SELECT session_handle FROM ${prefix}sessions WHERE ${where}`);
        const explained = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE listing (${values})`);
        return explained.rows.map((row) => row["QUERY PLAN"]).join("\n");
      });
      expect(plan).toContain(`${prefix}sessions_user_tenant_expires`);
      expect(plan).not.toContain("BitmapAnd");
      expect(plan).not.toContain(`${prefix}sessions_expires_at`);
    }
  });

  it("lets several instances migrate one fresh database at once (advisory lock): one version row", async () => {
    const prefix = uniquePrefix();
    const stores = Array.from({ length: 5 }, () => newStore({ tablePrefix: prefix }).store);
    await Promise.all(stores.map((store) => store.migrate()));
    const versions = await admin((client) => client.query(`SELECT version FROM ${prefix}schema_version ORDER BY version`));
    expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
  });

  it("upgrades a database without device columns: old sessions read with null device details, new ones keep theirs", async () => {
    const { store, prefix } = newStore();
    const old = sessionRecord({ userAgent: null, ip: null });
    await store.createSession(old);
    // Back to version 2 (the last without them): the sessions table without the device columns.
    await admin((client) =>
      client.query(
        `ALTER TABLE ${prefix}sessions DROP COLUMN user_agent, DROP COLUMN ip; DROP TABLE ${prefix}revocations;
          DELETE FROM ${prefix}schema_version WHERE version >= 3`,
      ),
    );
    const { store: upgraded } = newStore({ tablePrefix: prefix });
    expect(await upgraded.getSession(old.sessionHandle)).toEqual(old);
    const fresh = sessionRecord({ userId: old.userId, userAgent: "Firefox/128.0", ip: "2001:db8::1" });
    await upgraded.createSession(fresh);
    expect(await upgraded.getSession(fresh.sessionHandle)).toEqual(fresh);
    const versions = await admin((client) => client.query(`SELECT version FROM ${prefix}schema_version ORDER BY version`));
    expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }]);
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
