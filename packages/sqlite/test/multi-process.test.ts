import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkManyProcesses } from "@latch/testing/store";
import { describe, it } from "vitest";
import { SqliteStore } from "../src/index";
import { DRIVERS } from "./drivers";

// Two and three processes writing one SQLite file at once (WAL, busy timeout): no SQLITE_BUSY
// reaches a caller, nothing is lost. The workers load the built package (dist), as apps do.
describe.each(DRIVERS)("sqlite on %s: several processes on one file", (driver) => {
  for (const processes of [2, 3]) {
    it(`${processes} processes under write load: no error surfaces, nothing lost`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-mp-"));
      const path = join(dir, "latch.db");
      try {
        await checkManyProcesses(
          {
            moduleUrl: new URL("../dist/index.js", import.meta.url).href,
            className: "SqliteStore",
            // Cleanup on every create too, so the batched deletes compete with the other writers.
            options: { path, driver, cleanupIntervalMs: 1 },
            open: () => new SqliteStore({ path, driver }),
          },
          { processes, sessionsPerProcess: 150, budgetMs: 90_000 },
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);
  }
});
