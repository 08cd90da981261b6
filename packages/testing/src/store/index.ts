import type { SessionStore } from "@latch/core";
import { defineStoreCases } from "./cases";

export { eventLoopTurnsDuring } from "./event-loop";
export { afterReconnect, closedPort, type FaultProxy, rejectionOf, respCommand, startFaultProxy } from "./faults";
export { HOSTILE_IDENTIFIERS, HOSTILE_STRINGS, hostileJson, largeJson, randomHash, sessionRecord, signingKey } from "./fixtures";
export { checkManyProcesses, type MultiProcessRun, type MultiProcessStore } from "./multi-process";
export { runStoreOutageConformance, type StoreOutageHarness } from "./outage";
export { recordingWatcher } from "./recording-watcher";
export { type LocalRedisCluster, redisClusterToolsMissing, startRedisCluster } from "./redis-cluster";
export { createScratchDatabase, type ScratchDatabase, takesScratchDatabase } from "./scratch-database";
export { runStoreSecretChecks, type StoreWithRawView } from "./secrets";
export { injectedSkipReason, serviceGlobalSetup, serviceSkipReason } from "./service";

/** What a store factory hands the suite: a fresh, empty store and how to dispose of what it created. */
export interface StoreUnderTest {
  store: SessionStore;
  /** Removes what the factory created (tables with a test prefix, keys, files). Runs after `close()`. */
  cleanup?: () => Promise<void>;
  /**
   * Opens a second store on the same backing data (same file, prefix, database), for stores that
   * persist: the suite then checks that sessions and keys survive `close()` and a reopen. The
   * revocation-feed cases open one beside the first (a second server on the same backend); without
   * `reopen` they use the first store for both (MemoryStore: instances sharing one object).
   */
  reopen?: () => Promise<SessionStore>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

export interface StoreConformanceOptions {
  /** When set, every test is skipped and this says why (see `serviceSkipReason`). */
  skip?: string | undefined;
  /** Per-test timeout in ms (default 20 s): networked stores on a loaded CI machine need headroom. */
  timeout?: number;
}

/**
 * Registers the store conformance suite: every test gets a fresh store from `factory`, closes it and
 * runs `cleanup`. Adding a test here tests every store.
 */
export function runStoreConformance(name: string, factory: StoreFactory, options: StoreConformanceOptions = {}): void {
  defineStoreCases(name, factory, options);
}
