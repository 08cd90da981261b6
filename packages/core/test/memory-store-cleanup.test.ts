import { describe, expect, it } from "vitest";
import { MemoryStore, StoreError } from "../src/index";
import type { SessionRecord } from "../src/store/session-store";

function record(handle: string, userId: string, expiresAt: number): SessionRecord {
  return {
    sessionHandle: handle,
    userId,
    recipeUserId: userId,
    tenantId: "public",
    sessionDataInDatabase: {},
    accessTokenPayload: {},
    refreshTokenHash2: `hash-${handle}`,
    parentRefreshTokenHash2: null,
    refreshTokenRotatedAt: null,
    refreshTokenRotationKey: "key",
    expiresAt,
    createdAt: 0,
  };
}

describe("MemoryStore.deleteExpiredSessions", () => {
  it("examines cleanupBatchSize sessions at a time, letting the event loop run between two batches", async () => {
    const store = new MemoryStore({ cleanupBatchSize: 10 });
    const now = Date.now();
    for (let i = 0; i < 100; i++) await store.createSession(record(`h${i}`, `u${i % 7}`, i % 4 === 0 ? now + 60_000 : now - 1));
    // Counts the turns the event loop gets while the cleanup runs: one pass over every session would allow none.
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const deleted = await store.deleteExpiredSessions(now);
    running = false;
    expect(deleted).toBe(75);
    expect(turns).toBeGreaterThanOrEqual(9);
    for (let i = 0; i < 100; i++) expect((await store.getSession(`h${i}`)) !== undefined).toBe(i % 4 === 0);
  });

  it("refuses a cleanupBatchSize that is not a whole number from 1 up", () => {
    for (const size of [0, -1, 1.5, Number.NaN]) expect(() => new MemoryStore({ cleanupBatchSize: size })).toThrow(StoreError);
  });
});
