// Each store of the scale probe on a backend of its own, created for the run and removed after it:
// a temp file (SQLite), a database created and dropped (PostgreSQL, MariaDB), a redis-server the
// probe starts on a free port and kills (Redis; the shared 6379 holds other engineers' keys, which
// would count in used_memory and in the cleanup's SCAN). Each also has a bulk fill that writes the
// store's own rows (or keys) in big batches, for sizes the store API fills too slowly.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type SessionRecord, type SessionStore } from "@latch/core";
import { SESSION_COLUMNS, sessionRowValues } from "@latch/core/sql";
import { MysqlStore } from "@latch/mysql";
import { PostgresStore } from "@latch/postgres";
import { RedisStore } from "@latch/redis";
import { SqliteStore } from "@latch/sqlite";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { RespPipe } from "./resp-pipe";

export interface Backend {
  store: SessionStore;
  /** Writes the sessions straight into the store's tables or keys, in the store's format; undefined: only the API fills. */
  bulkInsert?: (records: SessionRecord[]) => Promise<void>;
  /** Checks the backend's own bookkeeping for a bulk-filled session that the store API cannot see (Redis TTLs). */
  checkRaw?: (record: SessionRecord, userRecords: SessionRecord[]) => Promise<void>;
  /**
   * After a bulk fill, brings the backend to the state a table grown over days would be in: written
   * back to disk and its statistics gathered. Unsettled, the fill's hundreds of megabytes of dirty
   * pages and WAL (and autovacuum starting on them) were still being written while the probe timed,
   * and every commit's fsync waited behind them (bench/SCALE.md).
   */
  settle?: () => Promise<void>;
  /** Bytes the backend holds for the sessions (file, relation, memory). */
  bytes(): Promise<number>;
  /** The plans of the listing and revoke-by-user statements for a user, as the database reports them. */
  explain?: (userId: string) => Promise<string[]>;
  /** Closes the store and removes the file, database or server. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface BackendOptions {
  cleanupBatchSize: number | undefined;
}

const POSTGRES_ADMIN_URL = process.env.LATCH_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_ADMIN_URL = process.env.LATCH_BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
/** Rows per INSERT: PostgreSQL takes whole arrays as parameters; a MariaDB statement of 5000 rows is about 2 MB (max_allowed_packet is 16 MB). */
const POSTGRES_BATCH = 10_000;
const MYSQL_BATCH = 5_000;
const REDIS_BATCH = 5_000;
/** The same table prefix as the stores' default: each run has a database of its own. */
const PREFIX = "latch_";

export async function openBackend(name: string, options: BackendOptions): Promise<Backend> {
  const id = randomBytes(4).toString("hex");
  const batch = options.cleanupBatchSize === undefined ? {} : { cleanupBatchSize: options.cleanupBatchSize };
  switch (name) {
    case "memory":
      return memoryBackend(batch);
    case "sqlite":
      return sqliteBackend(join(tmpdir(), `latch-scale-${id}.db`), batch);
    case "postgres":
      return postgresBackend(`latch_scale_${id}`, batch);
    case "mysql":
      return mysqlBackend(`latch_scale_${id}`, batch);
    case "redis":
      return redisBackend(batch);
    default:
      throw new Error(`unknown store ${name}`);
  }
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function memoryBackend(batch: { cleanupBatchSize?: number }): Backend {
  const store = new MemoryStore(batch);
  const before = heapUsed();
  return { store, bytes: async () => heapUsed() - before, dispose: () => store.close() };
}

/**
 * LATCH_BENCH_SQLITE_PRAGMAS="mmap_size=268435456;synchronous=OFF": the file opened by the probe with
 * the store's own pragmas (WAL, synchronous NORMAL) and these after them, and handed to the store as
 * an app's database, to compare settings. Unset: the store opens the file itself, as apps do.
 */
const SQLITE_PRAGMAS = (process.env.LATCH_BENCH_SQLITE_PRAGMAS ?? "").split(";").filter((pragma) => pragma.trim() !== "");

function sqliteBackend(path: string, batch: { cleanupBatchSize?: number }): Backend {
  let appDatabase: Database.Database | undefined;
  if (SQLITE_PRAGMAS.length > 0) {
    appDatabase = new Database(path, { timeout: 5_000 });
    for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", ...SQLITE_PRAGMAS]) appDatabase.pragma(pragma);
  }
  const store = new SqliteStore({ ...(appDatabase ? { database: appDatabase } : { path }), cleanupIntervalMs: 0, ...batch });
  // A second connection for the fill, opened once the store has migrated the file (WAL mode persists).
  let writer: Database.Database | undefined;
  const size = (file: string): number => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return {
    store,
    bulkInsert: async (records) => {
      writer ??= new Database(path);
      const insert = writer.prepare(
        `INSERT INTO ${PREFIX}sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map(() => "?").join(", ")})`,
      );
      writer.transaction(() => {
        for (const record of records) insert.run(sessionRowValues(record));
      })();
    },
    // The fill's WAL written into the file and the file synced (the writer's synchronous is FULL).
    settle: async () => {
      writer?.pragma("wal_checkpoint(TRUNCATE)");
    },
    bytes: async () => size(path) + size(`${path}-wal`),
    explain: async (userId) => {
      writer ??= new Database(path);
      const db = writer;
      const plan = (sql: string, ...values: unknown[]): string =>
        `${sql}: ${(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as Array<{ detail: string }>).map((row) => row.detail).join("; ")}`;
      return [
        plan(`SELECT session_handle FROM ${PREFIX}sessions WHERE user_id = ? AND expires_at > ?`, userId, Date.now()),
        plan(`DELETE FROM ${PREFIX}sessions WHERE user_id = ? RETURNING session_handle`, userId),
      ];
    },
    dispose: async () => {
      writer?.close();
      writer = undefined;
      await store.close();
      appDatabase?.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function postgresBackend(database: string, batch: { cleanupBatchSize?: number }): Promise<Backend> {
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${database}`);
  const url = withDatabase(POSTGRES_ADMIN_URL, database);
  // LATCH_BENCH_POSTGRES_ASYNC_COMMIT=1: the store's sessions commit without waiting for the WAL
  // fsync (synchronous_commit off, this database's connections only), to tell a write's own cost from the disk's.
  const storeUrl = process.env.LATCH_BENCH_POSTGRES_ASYNC_COMMIT === "1" ? `${url}?options=-c%20synchronous_commit%3Doff` : url;
  const store = new PostgresStore({ connectionString: storeUrl, cleanupIntervalMs: 0, ...batch });
  const writer = new pg.Client({ connectionString: url });
  await writer.connect();
  // Column types for unnest: each column's values go as one array parameter.
  const types = SESSION_COLUMNS.map((column) =>
    ["refresh_token_rotated_at", "expires_at", "created_at"].includes(column) ? "bigint[]" : "text[]",
  );
  const insert = `INSERT INTO ${PREFIX}sessions (${SESSION_COLUMNS.join(", ")})
    SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}`).join(", ")})`;
  let disposed = false;
  return {
    store,
    bulkInsert: async (records) => {
      for (let start = 0; start < records.length; start += POSTGRES_BATCH) {
        const rows = records.slice(start, start + POSTGRES_BATCH).map(sessionRowValues);
        await writer.query(
          insert,
          SESSION_COLUMNS.map((_, column) => rows.map((row) => row[column])),
        );
      }
    },
    settle: async () => {
      await writer.query(`VACUUM (ANALYZE) ${PREFIX}sessions`);
      await writer.query("CHECKPOINT");
    },
    bytes: async () => {
      const result = await writer.query<{ n: string }>(`SELECT pg_total_relation_size('${PREFIX}sessions') AS n`);
      return Number(result.rows[0]?.n);
    },
    explain: async (userId) => {
      const plan = async (sql: string, values: unknown[]): Promise<string> => {
        // Inside a transaction rolled back: EXPLAIN ANALYZE of the DELETE really deletes.
        await writer.query("BEGIN");
        try {
          const result = await writer.query<{ "QUERY PLAN": string }>(
            `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) ${sql}`,
            values,
          );
          return `${sql}:\n${result.rows.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}`;
        } finally {
          await writer.query("ROLLBACK");
        }
      };
      return [
        await plan(`SELECT session_handle FROM ${PREFIX}sessions WHERE user_id = $1 AND expires_at > $2`, [userId, Date.now()]),
        await plan(`DELETE FROM ${PREFIX}sessions WHERE user_id = $1 RETURNING session_handle`, [userId]),
      ];
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await writer.end().catch(() => {});
      await store.close();
      // FORCE ends connections still open (a pool being closed); PostgreSQL 13 and later.
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

async function mysqlBackend(database: string, batch: { cleanupBatchSize?: number }): Promise<Backend> {
  const admin = await createConnection(MYSQL_ADMIN_URL);
  await admin.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(MYSQL_ADMIN_URL, database);
  const store = new MysqlStore({ uri: url, cleanupIntervalMs: 0, ...batch });
  const writer = await createConnection(url);
  let disposed = false;
  return {
    store,
    bulkInsert: async (records) => {
      for (let start = 0; start < records.length; start += MYSQL_BATCH) {
        // `VALUES ?` with an array of rows: mysql2 writes one multi-row INSERT.
        await writer.query(`INSERT INTO ${PREFIX}sessions (${SESSION_COLUMNS.join(", ")}) VALUES ?`, [
          records.slice(start, start + MYSQL_BATCH).map(sessionRowValues),
        ]);
      }
    },
    // InnoDB writes dirty pages back in the background; the server is shared, so its settings stay
    // as they are and the probe waits (up to two minutes) until few dirty pages are left.
    settle: async () => {
      await writer.query(`ANALYZE TABLE ${PREFIX}sessions`);
      for (let waited = 0; waited < 120; waited++) {
        const [rows] = await writer.query("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
        if (Number((rows as Array<{ Value: string }>)[0]?.Value) < 1_000) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
    bytes: async () => {
      await writer.query(`ANALYZE TABLE ${PREFIX}sessions`);
      const [rows] = await writer.query(
        `SELECT data_length + index_length AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${PREFIX}sessions'`,
      );
      return Number((rows as Array<{ n: number | string }>)[0]?.n);
    },
    explain: async (userId) => {
      const plan = async (sql: string, values: unknown[]): Promise<string> => {
        const [rows] = await writer.query(`EXPLAIN ${sql}`, values);
        const described = (rows as Array<Record<string, unknown>>).map(
          (row) => `type ${row.type} key ${row.key} rows ${row.rows} ${row.Extra ?? ""}`,
        );
        return `${sql}: ${described.join("; ")}`;
      };
      return [
        await plan(`SELECT session_handle FROM ${PREFIX}sessions WHERE user_id = ? AND expires_at > ?`, [userId, Date.now()]),
        await plan(`DELETE FROM ${PREFIX}sessions WHERE user_id = ?`, [userId]),
      ];
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await writer.end().catch(() => {});
      await store.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      await admin.end();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** redis-server children still running, killed if the probe exits any other way than through dispose. */
const redisServers = new Set<ChildProcess>();
process.on("exit", () => {
  for (const server of redisServers) server.kill("SIGKILL");
});

async function startRedisServer(): Promise<{ url: string; port: number; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
    {
      stdio: "ignore",
    },
  );
  redisServers.add(server);
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, port, server };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  server.kill("SIGKILL");
  throw new Error(`redis-server on port ${port} did not answer`);
}

// The Redis layout, copied from packages/redis/src/redis-store.ts (keyPart, the key names, hashFields,
// claimExpiry): the bulk fill must write exactly what RedisStore.createSession writes.
const REDIS_PREFIX = "latch:";

function keyPart(value: string): string {
  return value.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const handleKey = (handle: string): string => `${REDIS_PREFIX}{h:${keyPart(handle)}}`;
const indexKey = (userId: string): string => `${REDIS_PREFIX}{u:${keyPart(userId)}}:idx`;
const sessionKey = (userId: string, handle: string): string => `${REDIS_PREFIX}{u:${keyPart(userId)}}:s:${handle}`;
const claimExpiry = (expiresAt: number): number => Math.max(expiresAt, Date.now() + 1_000);

function hashFields(record: SessionRecord): string[] {
  const fields: string[] = [
    "sessionHandle",
    record.sessionHandle,
    "userId",
    record.userId,
    "recipeUserId",
    record.recipeUserId,
    "tenantId",
    record.tenantId,
    "sessionDataInDatabase",
    JSON.stringify(record.sessionDataInDatabase),
    "accessTokenPayload",
    JSON.stringify(record.accessTokenPayload),
    "refreshTokenHash2",
    record.refreshTokenHash2,
    "refreshTokenRotationKey",
    record.refreshTokenRotationKey,
    "expiresAt",
    String(record.expiresAt),
    "createdAt",
    String(record.createdAt),
  ];
  if (record.parentRefreshTokenHash2 !== null) fields.push("parentRefreshTokenHash2", record.parentRefreshTokenHash2);
  if (record.refreshTokenRotatedAt !== null) fields.push("refreshTokenRotatedAt", String(record.refreshTokenRotatedAt));
  if (record.userAgent !== null) fields.push("userAgent", record.userAgent);
  if (record.ip !== null) fields.push("ip", record.ip);
  return fields;
}

async function redisBackend(batch: { cleanupBatchSize?: number }): Promise<Backend> {
  const { url, port, server } = await startRedisServer();
  let pipe: RespPipe | undefined;
  const admin = new Redis(url);
  const used = async (): Promise<number> => Number(/used_memory:(\d+)/.exec(await admin.info("memory"))?.[1]);
  const store = new RedisStore({ url, keyPrefix: REDIS_PREFIX, ...batch });
  const before = await used();
  let disposed = false;
  return {
    store,
    bulkInsert: async (records) => {
      for (let start = 0; start < records.length; start += REDIS_BATCH) {
        const chunk = records.slice(start, start + REDIS_BATCH);
        // What createSession does per session: the claim (SET NX PXAT), then the CREATE script's
        // HSET, PEXPIREAT, ZADD and the index's PEXPIREAT at its latest score.
        const commands: string[][] = [];
        const latest = new Map<string, number>();
        for (const record of chunk) {
          commands.push(["SET", handleKey(record.sessionHandle), record.userId, "PXAT", String(claimExpiry(record.expiresAt)), "NX"]);
          const key = sessionKey(record.userId, record.sessionHandle);
          commands.push(["HSET", key, ...hashFields(record)]);
          commands.push(["PEXPIREAT", key, String(record.expiresAt)]);
          commands.push(["ZADD", indexKey(record.userId), String(record.expiresAt), record.sessionHandle]);
          latest.set(record.userId, Math.max(latest.get(record.userId) ?? 0, record.expiresAt));
        }
        // Chunks hold whole users (the probe fills users' sessions together), so this is each index's latest score.
        for (const [userId, expiresAt] of latest) commands.push(["PEXPIREAT", indexKey(userId), String(expiresAt)]);
        pipe ??= await RespPipe.open(port);
        await pipe.send(commands);
      }
    },
    checkRaw: async (record, userRecords) => {
      const expect = (what: string, actual: number, expected: number): void => {
        if (actual !== expected) throw new Error(`bulk fill differs from the store: ${what} is ${actual}, the store writes ${expected}`);
      };
      expect(
        `PEXPIRETIME of ${sessionKey(record.userId, record.sessionHandle)}`,
        await admin.pexpiretime(sessionKey(record.userId, record.sessionHandle)),
        record.expiresAt,
      );
      const claim = await admin.pexpiretime(handleKey(record.sessionHandle));
      // claimExpiry() takes the expiry unless it is under a second away: the fill's expiries are an hour or more away.
      expect(`PEXPIRETIME of ${handleKey(record.sessionHandle)}`, claim, record.expiresAt);
      expect(
        `PEXPIRETIME of ${indexKey(record.userId)}`,
        await admin.pexpiretime(indexKey(record.userId)),
        Math.max(...userRecords.map((each) => each.expiresAt)),
      );
      expect(
        `ZSCORE of ${record.sessionHandle}`,
        Number(await admin.zscore(indexKey(record.userId), record.sessionHandle)),
        record.expiresAt,
      );
    },
    bytes: async () => (await used()) - before,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      pipe?.close();
      await store.close();
      admin.disconnect();
      server.kill("SIGTERM");
      redisServers.delete(server);
    },
  };
}
