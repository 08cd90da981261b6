import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreConformance } from "@latch/testing/store";
import { SqliteStore } from "../src/index";

runStoreConformance("sqlite (file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-"));
  const path = join(dir, "latch.db");
  return {
    // A small cleanupBatchSize, so the suite's cleanup cases span many batches.
    store: new SqliteStore({ path, cleanupBatchSize: 4 }),
    reopen: async () => new SqliteStore({ path, cleanupBatchSize: 4 }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

runStoreConformance("sqlite (:memory:)", async () => ({ store: new SqliteStore({ path: ":memory:" }) }));
