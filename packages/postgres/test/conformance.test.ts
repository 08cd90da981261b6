import { runStoreConformance } from "@latch/testing/store";
import { PostgresStore } from "../src/index";
import { dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "postgres",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      // A small cleanupBatchSize, so the suite's cleanup cases span many batches.
      store: new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix, cleanupBatchSize: 4 }),
      reopen: async () => new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
    };
  },
  { skip: skipReason },
);
