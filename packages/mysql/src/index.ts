import { MysqlStore, type MysqlStoreOptions } from "./mysql-store";

export { MysqlStore, type MysqlStoreOptions } from "./mysql-store";

/** `new MysqlStore(options)` as a function, for configs that read better without `new`. */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  return new MysqlStore(options);
}

/** Opens a store on its own pool from a `mysql://` or `mariadb://` URL (used by `LATCH_STORE`-style configuration). */
export function storeFromUrl(url: string): MysqlStore {
  if (!/^(mysql|mariadb):\/\//.test(url)) throw new TypeError("not a mysql:// URL");
  return new MysqlStore({ uri: url.replace(/^mariadb:/, "mysql:") });
}
