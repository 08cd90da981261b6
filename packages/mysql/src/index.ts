import { checkStoreUrl } from "@latch/core";
import { MysqlStore, type MysqlStoreOptions } from "./mysql-store";

export { MysqlStore, type MysqlStoreOptions } from "./mysql-store";

/** `new MysqlStore(options)` as a function, for configs that read better without `new`. */
export function mysqlStore(options: MysqlStoreOptions): MysqlStore {
  return new MysqlStore(options);
}

/** Opens a store on its own pool from a `mysql://` or `mariadb://` URL (used by `LATCH_STORE`-style configuration). */
export function storeFromUrl(url: string): MysqlStore {
  const uri = checkStoreUrl(url, { store: "mysql", schemes: ["mysql", "mariadb"], example: "mysql://user:password@localhost:3306/app" });
  return new MysqlStore({ uri: uri.replace(/^mariadb:/i, "mysql:") });
}
