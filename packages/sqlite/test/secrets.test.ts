import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreSecretChecks } from "@latch/testing/store";
import { SqliteStore } from "../src/index";
import { DRIVERS, rawConnection } from "./drivers";

// ASVS 3.2.3, RFC 9700 §4.14: the rows (read by a second connection) and the raw database files
// (main file and WAL, free pages included) hold no refresh token, hash1 or access token.
for (const driver of DRIVERS) {
  runStoreSecretChecks(`sqlite on ${driver}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-secrets-"));
    const path = join(dir, "latch.db");
    return {
      store: new SqliteStore({ path, driver }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      async dumpRaw() {
        const db = rawConnection(driver, path, { readOnly: true });
        try {
          const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
          const rows = tables.flatMap(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all());
          const files = readdirSync(dir).map((file) => readFileSync(join(dir, file)).toString("latin1"));
          return [JSON.stringify(rows), ...files].join("\n");
        } finally {
          db.close();
        }
      },
    };
  });
}
