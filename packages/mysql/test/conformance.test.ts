import { runStoreConformance } from "@latch/testing/store";
import { MysqlStore } from "../src/index";
import { dropTables, MYSQL_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

runStoreConformance(
  "mysql",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      store: new MysqlStore({ uri: MYSQL_URL, tablePrefix }),
      reopen: async () => new MysqlStore({ uri: MYSQL_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
    };
  },
  { skip: skipReason },
);
