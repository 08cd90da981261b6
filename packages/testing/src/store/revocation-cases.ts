import type { RevocationSubscription, RevokedSessions, SessionRecord, SessionStore } from "@latch/core";
import { afterEach, describe, expect, it } from "vitest";
import { sessionRecord } from "./fixtures";

/** How long a case waits for a revocation to arrive: generous, because CI machines are loaded; the delay seen is logged. */
const DELIVERY_BUDGET_MS = 15_000;
/** How long a case waits to be fairly sure something is *not* delivered (after a later marker arrived). */
const SETTLE_MS = 300;
const RETENTION_MS = 60_000;

interface RevocationSuiteContext {
  store: () => SessionStore;
  /** A second store instance on the same backend, open at the same time (another server); the same store where there is none. */
  sibling: () => Promise<SessionStore>;
}

/** A watch that records what it was told, with waits on it. */
interface CollectingWatch {
  /** Every handle received, with the revokedAt of its first delivery. */
  received: Map<string, number>;
  /** How many times each handle was delivered (duplicates are allowed by the contract). */
  deliveries: Map<string, number>;
  connectionChanges: { connected: boolean; cause?: unknown }[];
  subscription: RevocationSubscription;
  /** Resolves with the ms it took once every handle was received; rejects after the budget. */
  waitFor(handles: readonly string[], budgetMs?: number): Promise<number>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function watch(store: SessionStore, retentionMs: number, opened: RevocationSubscription[]): Promise<CollectingWatch> {
  const received = new Map<string, number>();
  const deliveries = new Map<string, number>();
  const connectionChanges: { connected: boolean; cause?: unknown }[] = [];
  if (!store.watchRevocations) throw new Error(`store "${store.name}" has no watchRevocations`);
  const subscription = await store.watchRevocations(
    {
      onRevoked(revoked: RevokedSessions) {
        for (const handle of revoked.sessionHandles) {
          if (!received.has(handle)) received.set(handle, revoked.revokedAt);
          deliveries.set(handle, (deliveries.get(handle) ?? 0) + 1);
        }
      },
      onConnectionChange(change) {
        connectionChanges.push(change);
      },
    },
    { retentionMs },
  );
  opened.push(subscription);
  return {
    received,
    deliveries,
    connectionChanges,
    subscription,
    async waitFor(handles, budgetMs = DELIVERY_BUDGET_MS) {
      const started = Date.now();
      while (!handles.every((handle) => received.has(handle))) {
        if (Date.now() - started > budgetMs) {
          const missing = handles.filter((handle) => !received.has(handle));
          throw new Error(`revocation of ${missing.join(", ")} not delivered within ${budgetMs} ms`);
        }
        await sleep(10);
      }
      return Date.now() - started;
    },
  };
}

/** Open resources (sockets, timers) of this process by kind, for "close releases what the watch opened". */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function resourcesAbove(baseline: Map<string, number>): string[] {
  const above: string[] = [];
  for (const [kind, count] of activeResources()) {
    if (count > (baseline.get(kind) ?? 0)) above.push(`${kind}: ${count} (was ${baseline.get(kind) ?? 0})`);
  }
  return above;
}

/**
 * The revocation feed (`watchRevocations`, see `@latch/core`'s revocation-feed.ts), for stores that
 * have one: what every server sharing the store relies on to refuse a revoked session's access
 * tokens within about a second.
 */
export function defineRevocationFeedCases({ store, sibling }: RevocationSuiteContext): void {
  describe("revocation feed (watchRevocations)", () => {
    const opened: RevocationSubscription[] = [];

    afterEach(async () => {
      for (const subscription of opened.splice(0)) await subscription.close();
    });

    async function create(target: SessionStore, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const record = sessionRecord(overrides);
      await target.createSession(record);
      return record;
    }

    it("delivers a revocation made through another instance on the same backend, and through this one", async () => {
      const other = await sibling();
      const watcher = await watch(other, RETENTION_MS, opened);
      const [first, second, untouched] = [await create(store()), await create(store()), await create(store())];
      const before = Date.now();
      expect(await store().revokeSessions([first.sessionHandle, second.sessionHandle, "no-such-handle"])).toHaveLength(2);
      const delay = await watcher.waitFor([first.sessionHandle, second.sessionHandle]);
      console.info(`[${store().name}] revocation reached a watcher on another instance after ${delay} ms`);
      // revokedAt is the writer's clock (or the backend's): close to now on one machine.
      const revokedAt = watcher.received.get(first.sessionHandle) ?? 0;
      expect(revokedAt).toBeGreaterThan(before - 5_000);
      expect(revokedAt).toBeLessThan(Date.now() + 5_000);

      // The watching instance's own revocations come through the feed too.
      const own = await create(other);
      await other.revokeSessions([own.sessionHandle]);
      await watcher.waitFor([own.sessionHandle]);
      expect(watcher.received.has(untouched.sessionHandle)).toBe(false);
      expect(watcher.received.has("no-such-handle")).toBe(false);
    });

    it("delivers every session revoked for a user (one tenant or all), and only those", async () => {
      const other = await sibling();
      const watcher = await watch(other, RETENTION_MS, opened);
      const userId = `user-${Date.now()}-feed-by-user`;
      const inPublic = await create(store(), { userId });
      const inOther = await create(store(), { userId, tenantId: "other" });
      const bystander = await create(store());
      expect(await store().revokeSessionsForUser({ userId, tenantId: "other" })).toEqual([inOther.sessionHandle]);
      await watcher.waitFor([inOther.sessionHandle]);
      expect(await store().revokeSessionsForUser({ userId })).toEqual([inPublic.sessionHandle]);
      await watcher.waitFor([inPublic.sessionHandle]);
      expect(watcher.received.has(bystander.sessionHandle)).toBe(false);
    });

    it("delivers the sessions createSessionWithinCap pushed out, and not the new one", async () => {
      const other = await sibling();
      const watcher = await watch(other, RETENTION_MS, opened);
      const base = Date.now() - 10_000;
      const userId = `user-${base}-feed-cap`;
      const oldest = await create(store(), { userId, createdAt: base + 1 });
      const kept = await create(store(), { userId, createdAt: base + 2 });
      const newest = sessionRecord({ userId, createdAt: base + 3 });
      expect(await store().createSessionWithinCap(newest, 2, Date.now())).toEqual([oldest.sessionHandle]);
      await watcher.waitFor([oldest.sessionHandle]);
      // A later revocation as a marker: once it has arrived, nothing else from before is still on its way.
      const marker = await create(store());
      await store().revokeSessions([marker.sessionHandle]);
      await watcher.waitFor([marker.sessionHandle]);
      await sleep(SETTLE_MS);
      expect(watcher.received.has(kept.sessionHandle)).toBe(false);
      expect(watcher.received.has(newest.sessionHandle)).toBe(false);
    });

    it("on start, first delivers the revocations still retained, and not those older than retentionMs", async () => {
      const retentionMs = 3_000;
      const old = await create(store());
      await store().revokeSessions([old.sessionHandle]);
      await sleep(retentionMs + 1_000);
      const recent = await create(store());
      await store().revokeSessions([recent.sessionHandle]);
      const other = await sibling();
      const watcher = await watch(other, retentionMs, opened);
      await watcher.waitFor([recent.sessionHandle]);
      // Then live ones, after the catch-up.
      const live = await create(store());
      await store().revokeSessions([live.sessionHandle]);
      await watcher.waitFor([live.sessionHandle]);
      await sleep(SETTLE_MS);
      expect(watcher.received.has(old.sessionHandle)).toBe(false);
    });

    it("does not announce expiry: deleteExpiredSessions is not a revocation", async () => {
      const other = await sibling();
      const watcher = await watch(other, RETENTION_MS, opened);
      // Expired by the cleanup's clock, not yet by the wall clock: a store that expires rows by itself
      // (Redis TTL) would otherwise have dropped it before the cleanup runs.
      const expired = await create(store(), { expiresAt: Date.now() + 3_600_000 });
      expect(await store().deleteExpiredSessions(Date.now() + 7_200_000)).toBeGreaterThanOrEqual(1);
      expect(await store().getSession(expired.sessionHandle)).toBeUndefined();
      const marker = await create(store());
      await store().revokeSessions([marker.sessionHandle]);
      await watcher.waitFor([marker.sessionHandle]);
      await sleep(SETTLE_MS);
      expect(watcher.received.has(expired.sessionHandle)).toBe(false);
    });

    it("serves several watchers at once, and a watch started again catches up again (duplicates are allowed)", async () => {
      const other = await sibling();
      const [first, second] = [await watch(other, RETENTION_MS, opened), await watch(store(), RETENTION_MS, opened)];
      const record = await create(store());
      await store().revokeSessions([record.sessionHandle]);
      await Promise.all([first.waitFor([record.sessionHandle]), second.waitFor([record.sessionHandle])]);
      // The receiver is idempotent, so a watch that starts again gets what it already had.
      const again = await watch(other, RETENTION_MS, opened);
      await again.waitFor([record.sessionHandle]);
      expect(first.received.get(record.sessionHandle)).toBe(again.received.get(record.sessionHandle));
    });

    it("after close(), delivers nothing more; closing twice is fine; the watch leaves nothing open once its store is closed", async () => {
      const baseline = activeResources();
      // A store instance of this case's own (where the store can open a second one), the only one
      // used from here on, closed at the end: what it opened must all be gone then.
      const other = await sibling();
      const closed = await watch(other, RETENTION_MS, opened);
      const still = await watch(other, RETENTION_MS, opened);
      const before = await create(other);
      await other.revokeSessions([before.sessionHandle]);
      await closed.waitFor([before.sessionHandle]);
      await closed.subscription.close();
      await closed.subscription.close();
      const after = await create(other);
      await other.revokeSessions([after.sessionHandle]);
      await still.waitFor([after.sessionHandle]);
      await sleep(SETTLE_MS);
      expect(closed.received.has(after.sessionHandle)).toBe(false);
      await still.subscription.close();
      if (other === store()) return;
      // What the closed watch opened (a listening connection, a poll timer) is gone with its store.
      await other.close();
      const started = Date.now();
      while (resourcesAbove(baseline).length > 0 && Date.now() - started < DELIVERY_BUDGET_MS) await sleep(50);
      expect(resourcesAbove(baseline)).toEqual([]);
    });
  });
}
