import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreConformance } from "@latch/testing/store";
import { SqliteStore } from "../src/index";

runStoreConformance("sqlite (file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "latch-sqlite-"));
  const path = join(dir, "latch.db");
  return {
    store: new SqliteStore({ path }),
    reopen: async () => new SqliteStore({ path }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

runStoreConformance("sqlite (:memory:)", async () => ({ store: new SqliteStore({ path: ":memory:" }) }));
