import { runStoreSecretChecks } from "@latch/testing/store";
import { RedisStore } from "../src/index";
import { admin, deleteKeys, keysWithPrefix, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// ASVS 3.2.3, RFC 9700 §4.14: every key and value under the store's prefix, whatever its type,
// holds no refresh token, hash1 or access token.
runStoreSecretChecks(
  "redis",
  async () => {
    const keyPrefix = uniquePrefix();
    return {
      store: new RedisStore({ url: REDIS_URL, keyPrefix }),
      cleanup: () => deleteKeys(keyPrefix),
      async dumpRaw() {
        const keys = await keysWithPrefix(keyPrefix);
        return admin(async (client) => {
          const dumps: string[] = [];
          for (const key of keys) {
            const type = await client.type(key);
            const value =
              type === "string"
                ? await client.get(key)
                : type === "hash"
                  ? await client.hgetall(key)
                  : type === "set"
                    ? await client.smembers(key)
                    : type === "zset"
                      ? await client.zrange(key, "0", "-1", "WITHSCORES")
                      : type === "list"
                        ? await client.lrange(key, 0, -1)
                        : `unreadable type ${type}`;
            dumps.push(`${key} ${JSON.stringify(value)}`);
          }
          return dumps.join("\n");
        });
      },
    };
  },
  { skip: skipReason },
);
