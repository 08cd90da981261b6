import { runStoreSecretChecks } from "@latch/testing/store";
import { PostgresStore } from "../src/index";
import { admin, dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

// ASVS 3.2.3, RFC 9700 §4.14: every row of the store's tables, as another client reads them,
// holds no refresh token, hash1 or access token.
runStoreSecretChecks(
  "postgres",
  async () => {
    const tablePrefix = uniquePrefix();
    return {
      store: new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix }),
      cleanup: () => dropTables(tablePrefix),
      dumpRaw: () =>
        admin(async (client) => {
          const tables = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE $1", [
            `${tablePrefix}%`,
          ]);
          const dumps: string[] = [];
          for (const { tablename } of tables.rows) {
            const rows = await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
            dumps.push(...rows.rows.map((r) => r.row));
          }
          return dumps.join("\n");
        }),
    };
  },
  { skip: skipReason },
);
