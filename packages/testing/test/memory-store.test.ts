import { MemoryStore } from "@latch/core";
// The source, not "@latch/testing/store": this package's own dist may not be built when it is typechecked.
import { runStoreConformance } from "../src/store/index";

// A small cleanupBatchSize, so the suite's cleanup cases span many batches.
runStoreConformance("memory", async () => ({ store: new MemoryStore({ cleanupBatchSize: 4 }) }));
