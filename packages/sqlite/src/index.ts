import { SqliteStore, type SqliteStoreOptions } from "./sqlite-store";

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
  if (!url.startsWith("sqlite:")) throw new TypeError(`not a sqlite: URL: ${JSON.stringify(url)}`);
  let path = url.slice("sqlite:".length);
  if (path.startsWith("//")) path = path.slice(2);
  return new SqliteStore(path === "" ? {} : { path });
}
