import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreSecretChecks } from "@latch/testing/store";
import Database from "better-sqlite3";
import { SqliteStore } from "../src/index";

// ASVS 3.2.3, RFC 9700 §4.14: the rows (read by a second connection) and the raw database files
// (main file and WAL, free pages included) hold no refresh token, hash1 or access token.
runStoreSecretChecks("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-secrets-"));
  const path = join(dir, "latch.db");
  return {
    store: new SqliteStore({ path }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    async dumpRaw() {
      const db = new Database(path, { readonly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
        const rows = tables.flatMap(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all());
        const files = readdirSync(dir).map((file) => readFileSync(join(dir, file)).toString("latin1"));
        return [JSON.stringify(rows), ...files].join("\n");
      } finally {
        db.close();
      }
    },
  };
});
