import { runStoreConformance } from "@latch/testing/store";
import { RedisStore } from "../src/index";
import { deleteKeys, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "redis",
  async () => {
    const keyPrefix = uniquePrefix();
    return {
      // A small cleanupBatchSize, so the suite's cleanup cases span many SCAN batches.
      store: new RedisStore({ url: REDIS_URL, keyPrefix, cleanupBatchSize: 4 }),
      reopen: async () => new RedisStore({ url: REDIS_URL, keyPrefix }),
      cleanup: () => deleteKeys(keyPrefix),
    };
  },
  { skip: skipReason },
);
