import { runStoreConformance } from "@latch/testing/store";
import { RedisStore } from "../src/index";
import { deleteKeys, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "redis",
  async () => {
    const keyPrefix = uniquePrefix();
    return {
      store: new RedisStore({ url: REDIS_URL, keyPrefix }),
      reopen: async () => new RedisStore({ url: REDIS_URL, keyPrefix }),
      cleanup: () => deleteKeys(keyPrefix),
    };
  },
  { skip: skipReason },
);
