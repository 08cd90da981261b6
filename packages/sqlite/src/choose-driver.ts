import { StoreError } from "@latch/core";
import { betterSqlite3Driver, openBetterSqlite3 } from "./better-sqlite3-driver";
import type { BetterSqlite3Database, NodeSqliteDatabase, SqliteDriver, SqliteDriverName } from "./driver";
import { nodeSqliteDriver, nodeSqliteModule, openNodeSqlite } from "./node-sqlite-driver";

const NO_NODE_SQLITE = "node:sqlite needs Node.js 22.13 or later (23.4 or later on 23)";

/**
 * The driver a store uses when none is named: node:sqlite where the runtime has it, else
 * better-sqlite3. Both are equally fast on the store's statements (bench/README.md); node:sqlite
 * needs no compiler at install and cannot be built for the wrong Node.js, so it wins where it exists.
 */
export function defaultDriver(): SqliteDriverName {
  return nodeSqliteModule() ? "node:sqlite" : "better-sqlite3";
}

/** Opens a file with the named driver (or the default one); what is missing fails with how to fix it. */
export async function openDriver(
  store: string,
  options: { driver: SqliteDriverName | undefined; path: string; busyTimeoutMs: number },
): Promise<SqliteDriver> {
  const name = options.driver ?? defaultDriver();
  if (name === "node:sqlite") {
    const module = nodeSqliteModule();
    if (!module) throw new StoreError(store, `driver "node:sqlite" is not available on Node.js ${process.version}: ${NO_NODE_SQLITE}`);
    return openNodeSqlite(store, module, options.path, options.busyTimeoutMs);
  }
  const driver = await openBetterSqlite3(store, options.path, options.busyTimeoutMs);
  if (driver) return driver;
  throw new StoreError(
    store,
    options.driver === "better-sqlite3"
      ? 'driver "better-sqlite3" is not installed: run `npm install better-sqlite3`'
      : `no SQLite driver: Node.js ${process.version} has no node:sqlite and better-sqlite3 is not installed ` +
          "(it is an optional dependency; its install may have failed to build): run `npm install better-sqlite3`, " +
          "or run the app on Node.js 22.13 or later",
  );
}

/**
 * The driver over an app's open database: a better-sqlite3 `Database` (it has `pragma`) or a
 * node:sqlite `DatabaseSync`. Checked by shape: an `instanceof DatabaseSync` would load node:sqlite
 * (and print its warning) for apps on better-sqlite3.
 */
export function appDatabaseDriver(
  store: string,
  database: BetterSqlite3Database | NodeSqliteDatabase,
  driver: SqliteDriverName | undefined,
): SqliteDriver {
  const name: SqliteDriverName =
    typeof (database as Partial<BetterSqlite3Database>).pragma === "function" ? "better-sqlite3" : "node:sqlite";
  if (driver !== undefined && driver !== name) {
    throw new StoreError(store, `driver "${driver}" was asked for, but the database passed is a ${name} database`);
  }
  if (typeof database.prepare !== "function" || typeof database.exec !== "function") {
    throw new StoreError(store, "database must be an open better-sqlite3 Database or node:sqlite DatabaseSync");
  }
  return name === "better-sqlite3" ? betterSqlite3Driver(database as BetterSqlite3Database) : nodeSqliteDriver(database);
}
