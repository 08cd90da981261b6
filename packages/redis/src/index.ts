import { checkStoreUrl } from "@latch/core";
import { RedisStore, type RedisStoreOptions } from "./redis-store";

export { RedisStore, type RedisStoreOptions } from "./redis-store";

/** `new RedisStore(options)` as a function, for configs that read better without `new`. */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

/**
 * Opens a store on its own client from a URL (used by `LATCH_STORE`-style configuration):
 * `redis://` or `rediss://` for one server, `redis+cluster://host:port,host:port` for the seed
 * nodes of a Redis Cluster.
 */
export function storeFromUrl(url: string): RedisStore {
  const cluster = /^redis\+cluster:\/\/([^/?#]+)\/?$/.exec(url);
  if (cluster) {
    const clusterNodes = (cluster[1] as string).split(",").map((node) => {
      const parsed = new URL(`redis://${node}`);
      return { host: parsed.hostname, port: Number(parsed.port || 6379) };
    });
    return new RedisStore({ clusterNodes });
  }
  return new RedisStore({ url: checkStoreUrl(url, { store: "redis", schemes: ["redis", "rediss"], example: "redis://localhost:6379" }) });
}
