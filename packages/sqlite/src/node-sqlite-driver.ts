import { StoreUnavailableError } from "@latch/core";
import type { NodeSqliteDatabase, SqliteDriver, SqliteStatement } from "./driver";

type NodeSqliteValue = string | number | bigint | null | Uint8Array;

/** What the store calls on a node:sqlite `StatementSync`. */
interface NodeSqliteStatement {
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** What the store calls on a node:sqlite `DatabaseSync` (`isOpen` arrived in Node.js 22.15). */
interface NodeSqliteConnection {
  readonly isOpen?: boolean;
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}

interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteConnection;
}

/**
 * node:sqlite where this runtime has it without a flag (Node.js 22.13+, 23.4+), else undefined
 * (Node.js 20; 22.5 to 22.12 without `--experimental-sqlite`). `getBuiltinModule` rather than an
 * import: a static import would fail to load this package on those runtimes, and it is synchronous.
 * Loading it prints Node.js's one "SQLite is an experimental feature" warning per process on
 * Node.js 22 and on 24 before 24.15 (it is a release candidate from 24.15 on): that is the app's
 * warning policy to set (`--disable-warning=ExperimentalWarning`), not this package's.
 */
export function nodeSqliteModule(): NodeSqliteModule | undefined {
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const module = getBuiltinModule?.("node:sqlite") as NodeSqliteModule | undefined;
  return typeof module?.DatabaseSync === "function" ? module : undefined;
}

/**
 * better-sqlite3 binds `undefined` as NULL; node:sqlite refuses it. Named parameters get it as NULL
 * here too, so a record from untyped code behaves the same on both drivers.
 */
function bindable(params: unknown[]): unknown[] {
  const [first] = params;
  if (params.length !== 1 || typeof first !== "object" || first === null || first instanceof Uint8Array) return params;
  const named: Record<string, NodeSqliteValue> = {};
  for (const [key, value] of Object.entries(first)) named[key] = value === undefined ? null : (value as NodeSqliteValue);
  return [named];
}

function statement<Params extends unknown[], Row>(prepared: NodeSqliteStatement): SqliteStatement<Params, Row> {
  return {
    // changes is a bigint only with readBigInts, which the store never sets; Number() keeps the type honest.
    run: (...params) => ({ changes: Number(prepared.run(...bindable(params)).changes) }),
    get: (...params) => prepared.get(...bindable(params)) as Row | undefined,
    all: (...params) => prepared.all(...bindable(params)) as Row[],
  };
}

/** The driver over an open node:sqlite database (the store's own or an app's). */
export function nodeSqliteDriver(database: NodeSqliteDatabase): SqliteDriver {
  const db = database as unknown as NodeSqliteConnection;
  let closedHere = false;
  return {
    name: "node:sqlite",
    get isOpen() {
      return db.isOpen ?? !closedHere;
    },
    prepare: (sql) => statement(db.prepare(sql)),
    exec: (sql) => db.exec(sql),
    transaction(body) {
      // node:sqlite has no transaction helper: the statements better-sqlite3's `.immediate()` runs.
      db.exec("BEGIN IMMEDIATE");
      try {
        const result = body();
        db.exec("COMMIT");
        return result;
      } catch (error) {
        try {
          db.exec("ROLLBACK");
        } catch {
          // No transaction left to roll back (SQLite ended it itself): the first error is the one to report.
        }
        throw error;
      }
    },
    close() {
      closedHere = true;
      db.close();
    },
  };
}

/** Opens a file with node:sqlite, its busy timeout set (`DatabaseSync`'s `timeout` option is 22.16+ only). */
export function openNodeSqlite(store: string, module: NodeSqliteModule, path: string, busyTimeoutMs: number): SqliteDriver {
  let db: NodeSqliteConnection;
  try {
    db = new module.DatabaseSync(path);
  } catch (error) {
    throw new StoreUnavailableError(store, { cause: error });
  }
  const driver = nodeSqliteDriver(db);
  try {
    driver.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  } catch (error) {
    driver.close();
    throw error;
  }
  return driver;
}
