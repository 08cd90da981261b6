import { D1Store } from "./d1-store";
import type { D1Database } from "./d1-types";

export { D1Store, type D1StoreOptions } from "./d1-store";
export type { D1Database, D1PreparedStatement, D1Result } from "./d1-types";

function isD1Database(value: unknown): value is D1Database {
  return typeof value === "object" && value !== null && "prepare" in value && "batch" in value && typeof value.prepare === "function";
}

/**
 * The store a `LATCH_STORE` URL names, for `d1:<BINDING>` (e.g. `d1:DB`): the Worker's binding of
 * that name, taken from the Worker's `env`.
 */
export function storeFromUrl(url: string, env: Record<string, unknown>): D1Store {
  const match = /^d1:([A-Za-z_][A-Za-z0-9_]*)$/.exec(url);
  if (!match?.[1]) throw new Error(`LATCH_STORE: expected d1:<BINDING>, got ${JSON.stringify(url)}`);
  const database = env[match[1]];
  if (!isD1Database(database)) throw new Error(`LATCH_STORE=${url}: the Worker has no D1 binding named ${match[1]}`);
  return new D1Store({ database });
}
