import { runStoreConformance } from "@latch/testing/store";
import { MysqlStore } from "../src/index";
import { dropTables, MYSQL_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "mysql",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      // A small cleanupBatchSize, so the suite's cleanup cases span many batches.
      store: new MysqlStore({ uri: MYSQL_URL, tablePrefix, cleanupBatchSize: 4 }),
      reopen: async () => new MysqlStore({ uri: MYSQL_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
    };
  },
  { skip: skipReason },
);
