// The drivers the tests run the store on, and a second connection to a file through either.
import Database from "better-sqlite3";
import { betterSqlite3Driver } from "../src/better-sqlite3-driver";
import type { BetterSqlite3Database, NodeSqliteDatabase, SqliteDriver, SqliteDriverName } from "../src/driver";
import { nodeSqliteDriver } from "../src/node-sqlite-driver";

/**
 * Whether this Node.js has node:sqlite without a flag (22.13+, 23.4+), from the version alone: what
 * the package detects by loading the module is checked against this, not taken for granted.
 */
export function runtimeHasNodeSqlite(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major >= 24 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
}

/** better-sqlite3 everywhere (the workspace builds it for each Node.js it tests on), node:sqlite where the runtime has it. */
export const DRIVERS: SqliteDriverName[] = runtimeHasNodeSqlite() ? ["node:sqlite", "better-sqlite3"] : ["better-sqlite3"];

export interface RawConnection extends SqliteDriver {
  /** The library's own database object, as an app would pass it as `database`. */
  database: BetterSqlite3Database | NodeSqliteDatabase;
}

type DatabaseSyncConstructor = new (path: string, options?: { readOnly?: boolean }) => NodeSqliteDatabase;

/** A connection of the given driver that is not the store's: what another process would see. */
export function rawConnection(driver: SqliteDriverName, path: string, options: { readOnly?: boolean } = {}): RawConnection {
  if (driver === "better-sqlite3") {
    const database = new Database(path, { readonly: options.readOnly ?? false });
    return Object.assign(betterSqlite3Driver(database), { database });
  }
  const { DatabaseSync } = process.getBuiltinModule("node:sqlite") as { DatabaseSync: DatabaseSyncConstructor };
  const database = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
  return Object.assign(nodeSqliteDriver(database), { database });
}
