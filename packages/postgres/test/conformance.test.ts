import { runStoreConformance } from "@latch/testing/store";
import { PostgresStore } from "../src/index";
import { dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "postgres",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      store: new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix }),
      reopen: async () => new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
    };
  },
  { skip: skipReason },
);
