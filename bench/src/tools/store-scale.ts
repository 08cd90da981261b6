// Store latency and cleanup at a given number of sessions, through the store API (no HTTP):
// p50/p99 of get, rotate, list-for-user and revoke-all, bytes per session, and the expired-session
// cleanup's total time and longest event-loop pause (the longest gap between two turns of a
// setImmediate loop running beside it). One store and one size per run:
//   node --expose-gc --import tsx bench/src/tools/store-scale.ts <memory|sqlite|postgres|mysql|redis> <sessions> [batch]
// e.g. `sqlite 100000`. A tenth of the sessions are expired at cleanup time; users have 5 sessions
// each. [batch] sets cleanupBatchSize (a batch as large as the expired count is one statement: the
// behaviour before batching). Tables and keys get a unique prefix and are dropped at the end.
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { MemoryStore, type SessionRecord, type SessionStore } from "@latch/core";
import { MysqlStore } from "@latch/mysql";
import { PostgresStore } from "@latch/postgres";
import { RedisStore } from "@latch/redis";
import { SqliteStore } from "@latch/sqlite";
import { Redis } from "ioredis";
import { createConnection } from "mysql2/promise";
import pg from "pg";

const [storeName = "sqlite", sessionsArg = "10000", batchArg] = process.argv.slice(2);
const sessions = Number(sessionsArg);
const batch = batchArg === undefined ? undefined : Number(batchArg);
const SESSIONS_PER_USER = 5;
const SAMPLES = 400;
const HOUR = 3_600_000;
const POSTGRES_URL = process.env.LATCH_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_URL = process.env.LATCH_BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";
const REDIS_URL = process.env.LATCH_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const id = randomBytes(4).toString("hex");
const prefix = `latch_scale${id}_`;
const sqlitePath = join(tmpdir(), `latch-scale-${id}.db`);

interface Probe {
  store: SessionStore;
  /** Bytes the backend holds for the sessions (file, relation, memory). */
  bytes(): Promise<number>;
  dispose(): Promise<void>;
}

async function probeFor(name: string): Promise<Probe> {
  const common = { cleanupIntervalMs: 0, ...(batch === undefined ? {} : { cleanupBatchSize: batch }) };
  switch (name) {
    case "memory": {
      const store = new MemoryStore(batch === undefined ? {} : { cleanupBatchSize: batch });
      const before = heapUsed();
      return { store, bytes: async () => heapUsed() - before, dispose: async () => {} };
    }
    case "sqlite": {
      const store = new SqliteStore({ path: sqlitePath, tablePrefix: prefix, ...common });
      const size = (file: string) => {
        try {
          return statSync(file).size;
        } catch {
          return 0;
        }
      };
      return {
        store,
        bytes: async () => size(sqlitePath) + size(`${sqlitePath}-wal`),
        dispose: async () => {
          const { rmSync } = await import("node:fs");
          for (const suffix of ["", "-wal", "-shm"]) rmSync(`${sqlitePath}${suffix}`, { force: true });
        },
      };
    }
    case "postgres": {
      const store = new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix: prefix, ...common });
      const admin = async (sql: string) => {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          return (await client.query(sql)).rows;
        } finally {
          await client.end();
        }
      };
      return {
        store,
        bytes: async () => Number((await admin(`SELECT pg_total_relation_size('${prefix}sessions') AS n`))[0]?.n),
        dispose: () =>
          admin(`DROP TABLE IF EXISTS ${prefix}sessions, ${prefix}signing_keys, ${prefix}revocations, ${prefix}schema_version`).then(
            () => {},
          ),
      };
    }
    case "mysql": {
      const store = new MysqlStore({ uri: MYSQL_URL, tablePrefix: prefix, ...common });
      const admin = async (sql: string) => {
        const connection = await createConnection(MYSQL_URL);
        try {
          return (await connection.query(sql))[0] as Array<Record<string, unknown>>;
        } finally {
          await connection.end();
        }
      };
      return {
        store,
        bytes: async () => {
          await admin(`ANALYZE TABLE ${prefix}sessions`);
          const rows = await admin(
            `SELECT data_length + index_length AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${prefix}sessions'`,
          );
          return Number(rows[0]?.n);
        },
        dispose: () => admin(`DROP TABLE IF EXISTS ${prefix}sessions, ${prefix}signing_keys, ${prefix}schema_version`).then(() => {}),
      };
    }
    case "redis": {
      const keyPrefix = `latch-scale${id}:`;
      const admin = new Redis(REDIS_URL);
      const used = async () => Number(/used_memory:(\d+)/.exec(await admin.info("memory"))?.[1]);
      const before = await used();
      const store = new RedisStore({ url: REDIS_URL, keyPrefix, ...(batch === undefined ? {} : { cleanupBatchSize: batch }) });
      return {
        store,
        bytes: async () => (await used()) - before,
        dispose: async () => {
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
    default:
      throw new Error(`unknown store ${name}`);
  }
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function session(index: number, now: number): SessionRecord {
  const expired = index % 10 === 0;
  return {
    sessionHandle: `${randomBytes(16).toString("base64url")}${index}`,
    userId: `user-${Math.floor(index / SESSIONS_PER_USER)}`,
    recipeUserId: `user-${Math.floor(index / SESSIONS_PER_USER)}`,
    tenantId: "public",
    sessionDataInDatabase: {},
    accessTokenPayload: {},
    refreshTokenHash2: randomBytes(32).toString("hex"),
    parentRefreshTokenHash2: null,
    refreshTokenRotatedAt: null,
    refreshTokenRotationKey: randomBytes(32).toString("base64url"),
    // Expired at cleanup time (now + 1 h), not yet by the wall clock, so Redis keeps them until then.
    expiresAt: expired ? now + HOUR - index : now + 48 * HOUR,
    createdAt: now,
    // Device details as a browser login stores them, so bytes per session count them.
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ip: "203.0.113.0",
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed(samples: number, operation: (sample: number) => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const start = performance.now();
    await operation(sample);
    times.push(performance.now() - start);
  }
  return `p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms`;
}

/**
 * The longest gap between two turns of the event loop while `work` runs, by the wall clock and by
 * the process's CPU time (user + system) over the same gap: on a loaded machine the wall clock also
 * counts time other processes had the core, the CPU time is what the gap cost this process.
 */
async function withPauseMeter<T>(
  work: () => Promise<T>,
): Promise<{ result: T; totalMs: number; longestPauseMs: number; longestCpuMs: number }> {
  let longest = 0;
  let longestCpu = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let running = true;
  const measure = (): void => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  const tick = (): void => {
    measure();
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  const result = await work();
  const totalMs = performance.now() - start;
  running = false;
  measure();
  return { result, totalMs, longestPauseMs: longest, longestCpuMs: longestCpu };
}

async function main(): Promise<void> {
  const probe = await probeFor(storeName);
  const { store } = probe;
  const now = Date.now();
  const records: SessionRecord[] = [];
  try {
    const fillStart = performance.now();
    const CONCURRENCY = 64;
    for (let start = 0; start < sessions; start += CONCURRENCY) {
      const chunk = Array.from({ length: Math.min(CONCURRENCY, sessions - start) }, (_, i) => session(start + i, now));
      await Promise.all(chunk.map((record) => store.createSession(record)));
      // About one live session in twenty is kept (up to 800) for the probes.
      for (const record of chunk)
        if (records.length < SAMPLES * 2 && record.expiresAt > now + HOUR && Math.random() < 0.05) records.push(record);
    }
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const bytes = await probe.bytes();
    console.log(`${storeName}: ${sessions} sessions (${sessions / 10} expired at cleanup time), filled in ${fillSeconds.toFixed(1)} s`);
    console.log(`bytes per session: ${Math.round(bytes / sessions)}`);
    const pick = (sample: number): SessionRecord => records[sample % records.length] as SessionRecord;
    console.log(`get:             ${await timed(SAMPLES, (sample) => store.getSession(pick(sample).sessionHandle))}`);
    console.log(
      `list-for-user:   ${await timed(SAMPLES, (sample) => store.listSessionHandlesForUser({ userId: pick(sample).userId }, Date.now()))}`,
    );
    console.log(
      `rotate:          ${await timed(SAMPLES, async (sample) => {
        const record = pick(sample);
        const next = randomBytes(32).toString("hex");
        const rotated = await store.rotateRefreshToken({
          sessionHandle: record.sessionHandle,
          expectedRefreshTokenHash2: record.refreshTokenHash2,
          newRefreshTokenHash2: next,
          rotatedAt: Date.now(),
          newExpiresAt: now + 48 * HOUR,
        });
        if (!rotated) throw new Error("rotation refused");
        record.refreshTokenHash2 = next;
      })}`,
    );
    const cleanup = await withPauseMeter(() => store.deleteExpiredSessions(now + HOUR));
    console.log(
      `cleanup:         ${cleanup.result} deleted in ${cleanup.totalMs.toFixed(0)} ms, longest event-loop pause ${cleanup.longestPauseMs.toFixed(1)} ms (${cleanup.longestCpuMs.toFixed(1)} ms of CPU)`,
    );
    const users = [...new Set(records.map((record) => record.userId))];
    console.log(
      `revoke-all:      ${await timed(Math.min(SAMPLES, users.length), (sample) => store.revokeSessionsForUser({ userId: users[sample] as string }))}`,
    );
  } finally {
    await store.close();
    await probe.dispose();
  }
}

await main();
