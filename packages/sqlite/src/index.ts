import { checkStoreUrl } from "@latch/core";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite-store";

export { defaultDriver } from "./choose-driver";
export type { BetterSqlite3Database, NodeSqliteDatabase, SqliteDriverName } from "./driver";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite-store";

/** `new SqliteStore(options)` as a function, for configs that read better without `new`. */
export function sqliteStore(options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(options);
}

/**
 * Opens the store a URL names: `sqlite:<path>` (`sqlite:./latch.db`, `sqlite:///var/lib/app/latch.db`,
 * `sqlite::memory:`). Used by `LATCH_STORE`-style configuration.
 */
export function storeFromUrl(url: string): SqliteStore {
  let path = checkStoreUrl(url, { store: "sqlite", schemes: ["sqlite"], example: "sqlite:./latch.db" }).slice("sqlite:".length);
  if (path.startsWith("//")) path = path.slice(2);
  return new SqliteStore(path === "" ? {} : { path });
}
