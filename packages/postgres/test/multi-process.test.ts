import { checkManyProcesses } from "@latch/testing/store";
import { describe, it } from "vitest";
import { PostgresStore } from "../src/index";
import { dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// Four processes on one database and prefix at once, migrating it together on their first call:
// no error surfaces, nothing is lost. The workers load the built package (dist), as apps do.
describe.skipIf(skipReason)("postgres: four processes on one database", () => {
  it("under write load: no error surfaces, nothing lost", async () => {
    const tablePrefix = uniquePrefix();
    try {
      await checkManyProcesses(
        {
          moduleUrl: new URL("../dist/index.js", import.meta.url).href,
          className: "PostgresStore",
          // Small cleanup batches, so the deletes interleave with the other processes' writes.
          options: { connectionString: POSTGRES_URL, tablePrefix, cleanupIntervalMs: 1, cleanupBatchSize: 5 },
          open: () => new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix }),
        },
        { processes: 4, sessionsPerProcess: 100, budgetMs: 150_000 },
      );
    } finally {
      await dropTables(tablePrefix);
    }
  }, 180_000);
});
