import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreConformance } from "@latch/testing/store";
import { SqliteStore } from "../src/index";
import { DRIVERS } from "./drivers";

for (const driver of DRIVERS) {
  runStoreConformance(`sqlite on ${driver} (file)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-"));
    const path = join(dir, "latch.db");
    return {
      // A small cleanupBatchSize, so the suite's cleanup cases span many batches.
      store: new SqliteStore({ path, driver, cleanupBatchSize: 4 }),
      reopen: async () => new SqliteStore({ path, driver, cleanupBatchSize: 4 }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  runStoreConformance(`sqlite on ${driver} (:memory:)`, async () => ({ store: new SqliteStore({ path: ":memory:", driver }) }));
}
