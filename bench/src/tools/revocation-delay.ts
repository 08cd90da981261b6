// Revocation delay across a fleet, through the store API (no HTTP): two store instances on one
// backend (two servers), a watcher on B (`watchRevocations`), and N revocations made through A one
// after another; for each, the time from calling A's revokeSessions until B's watcher has the
// handle, and from A's call returning until then (negative: B knew before A's caller did). Prints
// p50 / p99 / max per store, and how long B's watchRevocations took to start. Works for any store that has a revocation feed; a store without one
// is reported as such.
//   node --import tsx bench/src/tools/revocation-delay.ts [samples] [store ...]
// stores: memory, sqlite, mysql, postgres, redis, redis-cluster (default: postgres redis);
// redis-cluster needs LATCH_BENCH_REDIS_CLUSTER=host:port[,host:port...] (a running cluster).
// Tables and keys get a unique prefix and are dropped at the end.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { MemoryStore, type SessionRecord, type SessionStore } from "@latch/core";
import { MysqlStore } from "@latch/mysql";
import { PostgresStore } from "@latch/postgres";
import { RedisStore } from "@latch/redis";
import { SqliteStore } from "@latch/sqlite";
import { Cluster, Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import pg from "pg";

const [samplesArg = "300", ...storeArgs] = process.argv.slice(2);
const SAMPLES = Number(samplesArg);
const STORES = storeArgs.length > 0 ? storeArgs : ["postgres", "redis"];
const HOUR = 3_600_000;
/** A revocation not delivered within this long counts as lost and ends the run for that store. */
const GIVE_UP_MS = 30_000;
const POSTGRES_URL = process.env.LATCH_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_URL = process.env.LATCH_BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const REDIS_URL = process.env.LATCH_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const id = randomBytes(4).toString("hex");

interface Pair {
  a: SessionStore;
  b: SessionStore;
  dispose(): Promise<void>;
}

/** Two instances on one backend, like two servers, and how to remove what they created. */
async function pairFor(name: string): Promise<Pair> {
  const prefix = `latch_delay${id}_`;
  switch (name) {
    case "memory": {
      // Instances share a feed only through one object: one instance is both servers.
      const store = new MemoryStore();
      return { a: store, b: store, dispose: async () => {} };
    }
    case "sqlite": {
      const path = join(tmpdir(), `latch-delay-${id}.db`);
      return {
        a: new SqliteStore({ path, tablePrefix: prefix }),
        b: new SqliteStore({ path, tablePrefix: prefix }),
        dispose: async () => {
          for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
        },
      };
    }
    case "mysql": {
      return {
        a: new MysqlStore({ uri: MYSQL_URL, tablePrefix: prefix }),
        b: new MysqlStore({ uri: MYSQL_URL, tablePrefix: prefix }),
        dispose: async () => {
          const connection = await createConnection(MYSQL_URL);
          try {
            const [rows] = await connection.query(
              "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
            );
            for (const { name: table } of rows as Array<{ name: string }>) {
              if (table.startsWith(prefix)) await connection.query(`DROP TABLE IF EXISTS \`${table}\``);
            }
          } finally {
            await connection.end();
          }
        },
      };
    }
    case "postgres": {
      return {
        a: new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix: prefix }),
        b: new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix: prefix }),
        dispose: async () => {
          const client = new pg.Client({ connectionString: POSTGRES_URL });
          await client.connect();
          try {
            const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE $1", [
              `${prefix}%`,
            ]);
            for (const { tablename } of tables.rows) await client.query(`DROP TABLE IF EXISTS ${tablename}`);
          } finally {
            await client.end();
          }
        },
      };
    }
    case "redis": {
      const keyPrefix = `latch-delay${id}:`;
      return {
        a: new RedisStore({ url: REDIS_URL, keyPrefix }),
        b: new RedisStore({ url: REDIS_URL, keyPrefix }),
        dispose: async () => {
          const admin = new Redis(REDIS_URL);
          let cursor = "0";
          do {
            const [next, keys] = await admin.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
            if (keys.length > 0) await admin.unlink(...keys);
            cursor = next;
          } while (cursor !== "0");
          admin.disconnect();
        },
      };
    }
    case "redis-cluster": {
      const seeds = process.env.LATCH_BENCH_REDIS_CLUSTER;
      if (!seeds) throw new Error("redis-cluster needs LATCH_BENCH_REDIS_CLUSTER=host:port[,host:port...]");
      const clusterNodes = seeds.split(",").map((node) => {
        const [host = "127.0.0.1", port = "6379"] = node.split(":");
        return { host, port: Number(port) };
      });
      const keyPrefix = `latch-delay${id}:`;
      return {
        a: new RedisStore({ clusterNodes, keyPrefix }),
        b: new RedisStore({ clusterNodes, keyPrefix }),
        dispose: async () => {
          const admin = new Cluster(clusterNodes);
          await admin.exists("warm-up");
          for (const node of admin.nodes("master")) {
            let cursor = "0";
            do {
              const [next, keys] = await node.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
              for (const key of keys) await node.unlink(key);
              cursor = next;
            } while (cursor !== "0");
          }
          admin.disconnect();
        },
      };
    }
    default:
      throw new Error(`unknown store ${name}`);
  }
}

function session(index: number): SessionRecord {
  const now = Date.now();
  const userId = `delay-user-${index % 50}`;
  return {
    sessionHandle: `${randomBytes(16).toString("base64url")}${index}`,
    userId,
    recipeUserId: userId,
    tenantId: "public",
    sessionDataInDatabase: {},
    accessTokenPayload: {},
    refreshTokenHash2: randomBytes(32).toString("hex"),
    parentRefreshTokenHash2: null,
    refreshTokenRotatedAt: null,
    refreshTokenRotationKey: randomBytes(32).toString("base64url"),
    expiresAt: now + 24 * HOUR,
    createdAt: now,
    userAgent: null,
    ip: null,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function measure(name: string): Promise<string> {
  const pair = await pairFor(name);
  try {
    if (typeof pair.b.watchRevocations !== "function") return `| ${name} | no revocation feed (watchRevocations) | | | | |`;
    /** Handle -> when B's watcher first had it (performance.now()). */
    const arrived = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    const watchStarted = performance.now();
    const subscription = await pair.b.watchRevocations(
      {
        onRevoked({ sessionHandles }) {
          const now = performance.now();
          for (const handle of sessionHandles) {
            if (!arrived.has(handle)) arrived.set(handle, now);
            waiting.get(handle)?.();
          }
        },
        onConnectionChange(change) {
          console.error(`[${name}] feed ${change.connected ? "reconnected" : `disconnected: ${String(change.cause)}`}`);
        },
      },
      { retentionMs: HOUR },
    );
    // Connecting and reading the retained feed (on a Redis Cluster: all 16,384 slot keys).
    const watchStartMs = performance.now() - watchStarted;
    const fromCall: number[] = [];
    const fromReturn: number[] = [];
    try {
      for (let index = 0; index < SAMPLES; index++) {
        const record = session(index);
        await pair.a.createSession(record);
        const delivered = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`[${name}] revocation ${index} not delivered within ${GIVE_UP_MS} ms`)),
            GIVE_UP_MS,
          );
          waiting.set(record.sessionHandle, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        const called = performance.now();
        await pair.a.revokeSessions([record.sessionHandle]);
        const returned = performance.now();
        await delivered;
        waiting.delete(record.sessionHandle);
        const at = arrived.get(record.sessionHandle) as number;
        fromCall.push(at - called);
        fromReturn.push(at - returned);
      }
    } finally {
      await subscription.close();
    }
    const max = Math.max(...fromCall);
    return `| ${name} | ${SAMPLES} | ${ms(percentile(fromCall, 50))} / ${ms(percentile(fromCall, 99))} / ${ms(max)} | ${ms(percentile(fromReturn, 50))} / ${ms(percentile(fromReturn, 99))} | ${max < 1_000 ? "yes" : "no"} | ${ms(watchStartMs)} |`;
  } finally {
    await Promise.all([pair.a.close(), pair.b.close()]);
    await pair.dispose();
  }
}

const rows: string[] = [];
for (const name of STORES) {
  console.error(`${name}: ${SAMPLES} revocations...`);
  rows.push(await measure(name));
}
console.log(
  `Revocation delay, ${SAMPLES} revocations per store, one at a time (load average ${(await import("node:os"))
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(" ")}):`,
);
console.log();
console.log(
  "| store | samples | A's revoke called → B's watcher has it: p50 / p99 / max | A's call returned → B has it: p50 / p99 | every one within 1 s | watch started (connect + catch-up) |",
);
console.log("| --- | ---: | --- | --- | --- | ---: |");
for (const row of rows) console.log(row);
