// Latch's stores and, for each, the physical floor: the same row written with the same driver and
// nothing else (no tokens, no hashing). Both use the same table (or key layout), so they do the
// same physical work. Every service runs on 127.0.0.1 (see DEVELOPERS.md).
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type SessionStore } from "@latch/core";
import { MysqlStore } from "@latch/mysql";
import { PostgresStore } from "@latch/postgres";
import { RedisStore } from "@latch/redis";
import { SqliteStore } from "@latch/sqlite";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { createPool } from "mysql2/promise";
import pg from "pg";

export const STORE_NAMES = ["memory", "sqlite", "postgres", "mysql", "redis"] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export const SQLITE_PATH = join(tmpdir(), "latch-bench.db");
const POSTGRES_URL = process.env.LATCH_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_URL = process.env.LATCH_BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const REDIS_URL = process.env.LATCH_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = "latch_bench_";
// Overridable, so that a run on a shared Redis can use (and afterwards delete) keys of its own.
const REDIS_PREFIX = process.env.LATCH_BENCH_REDIS_PREFIX ?? "latch-bench:";

export function latchStore(name: StoreName): SessionStore {
  switch (name) {
    case "memory":
      return new MemoryStore();
    case "sqlite":
      return new SqliteStore({ path: SQLITE_PATH, tablePrefix: PREFIX });
    case "postgres":
      return new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix: PREFIX });
    case "mysql":
      return new MysqlStore({ uri: MYSQL_URL, tablePrefix: PREFIX });
    case "redis":
      return new RedisStore({ url: REDIS_URL, keyPrefix: REDIS_PREFIX });
  }
}

/** The row Latch writes at login, with values of the same lengths (no uniqueness but the handle's). */
function row(now: number) {
  return {
    sessionHandle: randomUUID(),
    userId: "bench-user",
    tenantId: "public",
    sessionData: "{}",
    payload: "{}",
    hash2: "0".repeat(64),
    rotationKey: "k".repeat(43),
    expiresAt: now + 8_640_000_000,
    createdAt: now,
  };
}

/** The row's values in the order of the SQL stores' columns. */
function columnValues(r: ReturnType<typeof row>) {
  return [
    r.sessionHandle,
    r.userId,
    r.userId,
    r.tenantId,
    r.sessionData,
    r.payload,
    r.hash2,
    null,
    null,
    r.rotationKey,
    r.expiresAt,
    r.createdAt,
  ];
}

/** A function that writes one session row with the store's own driver, and nothing else. */
export async function rawInsert(name: Exclude<StoreName, "memory">): Promise<() => Promise<void>> {
  // Let Latch's store create its schema first, so the floor writes into the very same table.
  const store = latchStore(name);
  await store.getSigningKeys();
  await store.close();
  const columns = `session_handle, user_id, recipe_user_id, tenant_id, session_data, access_token_payload,
    refresh_token_hash2, parent_refresh_token_hash2, refresh_token_rotated_at, refresh_token_rotation_key, expires_at, created_at`;
  switch (name) {
    case "sqlite": {
      const db = new Database(SQLITE_PATH);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      const insert = db.prepare(`INSERT INTO ${PREFIX}sessions (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      return async () => {
        const r = row(Date.now());
        insert.run(...columnValues(r));
      };
    }
    case "postgres": {
      const pool = new pg.Pool({ connectionString: POSTGRES_URL });
      const text = `INSERT INTO ${PREFIX}sessions (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;
      return async () => {
        const r = row(Date.now());
        await pool.query({
          name: "bench-raw-insert",
          text,
          values: columnValues(r),
        });
      };
    }
    case "mysql": {
      const pool = createPool({ uri: MYSQL_URL });
      const sql = `INSERT INTO ${PREFIX}sessions (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      return async () => {
        const r = row(Date.now());
        await pool.execute(sql, columnValues(r));
      };
    }
    case "redis": {
      const client = new Redis(REDIS_URL);
      return async () => {
        const r = row(Date.now());
        const key = `${REDIS_PREFIX}raw:${r.sessionHandle}`;
        await client
          .multi()
          .hset(key, {
            sessionHandle: r.sessionHandle,
            userId: r.userId,
            recipeUserId: r.userId,
            tenantId: r.tenantId,
            sessionDataInDatabase: r.sessionData,
            accessTokenPayload: r.payload,
            refreshTokenHash2: r.hash2,
            refreshTokenRotationKey: r.rotationKey,
            expiresAt: String(r.expiresAt),
            createdAt: String(r.createdAt),
          })
          .pexpireat(key, r.expiresAt)
          .exec();
      };
    }
  }
}
