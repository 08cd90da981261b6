import { runStoreSecretChecks } from "@latch/testing/store";
import { MysqlStore } from "../src/index";
import { admin, dropTables, MYSQL_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

/** A cell as a database reader sees it: binary columns as their bytes. */
function cellText(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString("latin1") : String(value);
}

// ASVS 3.2.3, RFC 9700 §4.14: every row of the store's tables, as another client reads them,
// holds no refresh token, hash1 or access token.
runStoreSecretChecks(
  "mysql",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      store: new MysqlStore({ uri: MYSQL_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
      dumpRaw: () =>
        admin(async (connection) => {
          const dumps: string[] = [];
          for (const table of ["sessions", "signing_keys"]) {
            const [rows] = await connection.query(`SELECT * FROM ${tablePrefix}${table}`);
            for (const row of rows as Array<Record<string, unknown>>) dumps.push(Object.values(row).map(cellText).join("\t"));
          }
          return dumps.join("\n");
        }),
    };
  },
  { skip: skipReason },
);
