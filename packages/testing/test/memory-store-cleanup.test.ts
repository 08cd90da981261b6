import { MemoryStore, StoreError } from "@latch/core";
import { describe, expect, it } from "vitest";
// The source, not "@latch/testing/store": this package's own dist may not be built when it is typechecked.
import { eventLoopTurnsDuring, sessionRecord } from "../src/store/index";

describe("MemoryStore.deleteExpiredSessions", () => {
  it("examines cleanupBatchSize sessions at a time, letting the event loop run between two batches", async () => {
    const store = new MemoryStore({ cleanupBatchSize: 10 });
    const now = Date.now();
    const records = Array.from({ length: 100 }, (_, i) =>
      sessionRecord({ userId: `u${i % 7}`, expiresAt: i % 4 === 0 ? now + 60_000 : now - 1 }),
    );
    for (const record of records) await store.createSession(record);
    // One pass over every session would let the event loop turn not at all.
    const { result: deleted, turns } = await eventLoopTurnsDuring(() => store.deleteExpiredSessions(now));
    expect(deleted).toBe(75);
    expect(turns).toBeGreaterThanOrEqual(9);
    for (const [i, record] of records.entries()) expect((await store.getSession(record.sessionHandle)) !== undefined).toBe(i % 4 === 0);
  });

  it("refuses a cleanupBatchSize that is not a whole number from 1 up", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => new MemoryStore({ cleanupBatchSize: size })).toThrow(StoreError);
  });
});
