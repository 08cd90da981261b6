import { checkManyProcesses } from "@latch/testing/store";
import { describe, it } from "vitest";
import { RedisStore } from "../src/index";
import { deleteKeys, REDIS_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// Four processes on one Redis and key prefix at once: no error surfaces, nothing is lost. The
// workers load the built package (dist), as apps do.
describe.skipIf(skipReason)("redis: four processes on one server", () => {
  it("under write load: no error surfaces, nothing lost", async () => {
    const keyPrefix = uniquePrefix();
    try {
      await checkManyProcesses(
        {
          moduleUrl: new URL("../dist/index.js", import.meta.url).href,
          className: "RedisStore",
          options: { url: REDIS_URL, keyPrefix, cleanupBatchSize: 5 },
          open: () => new RedisStore({ url: REDIS_URL, keyPrefix }),
        },
        { processes: 4, sessionsPerProcess: 100, budgetMs: 150_000 },
      );
    } finally {
      await deleteKeys(keyPrefix);
    }
  }, 180_000);
});
