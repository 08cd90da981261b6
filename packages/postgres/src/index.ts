import { checkStoreUrl } from "@latch/core";
import { PostgresStore, type PostgresStoreOptions } from "./postgres-store";

export { PostgresStore, type PostgresStoreOptions } from "./postgres-store";

/** `new PostgresStore(options)` as a function, for configs that read better without `new`. */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}

/** Opens a store on its own pool from a `postgres://` or `postgresql://` URL (used by `LATCH_STORE`-style configuration). */
export function storeFromUrl(url: string): PostgresStore {
  const connectionString = checkStoreUrl(url, {
    store: "postgres",
    schemes: ["postgres", "postgresql"],
    example: "postgres://user:password@localhost:5432/app",
  });
  return new PostgresStore({ connectionString });
}
