import { checkStoreUrl } from "@latch/core";
import { RedisStore, type RedisStoreOptions } from "./redis-store";

export { RedisStore, type RedisStoreOptions } from "./redis-store";

/** `new RedisStore(options)` as a function, for configs that read better without `new`. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

/** Opens a store on its own client from a `redis://` or `rediss://` URL (used by `LATCH_STORE`-style configuration). */
export function storeFromUrl(url: string): RedisStore {
  return new RedisStore({ url: checkStoreUrl(url, { store: "redis", schemes: ["redis", "rediss"], example: "redis://localhost:6379" }) });
}
