// The revocation feed of SQL stores without a notification channel (SQLite, MySQL): a revocations
// table written in the same transaction as the deletion, and this poll loop reading the rows after
// the last one seen. Written once here, used by @latch/sqlite and @latch/mysql.
import { deleteInBatches } from "../store/expired-cleanup";
import type { RevocationSubscription, RevocationWatcher, WatchRevocationsOptions } from "../store/revocation-feed";

/** One row of a store's revocations table. */
export interface RevocationRow {
  /** Increasing (AUTO_INCREMENT / AUTOINCREMENT): the poll's cursor. */
  id: number;
  sessionHandle: string;
  revokedAt: number;
}

/** What the poller needs from a store's revocations table. Each call may reject (the store is unreachable). */
export interface RevocationTable {
  /** Rows with `id > afterId` and `revoked_at > revokedAfter`, by id, at most `limit`. */
  readAfter(afterId: number, revokedAfter: number, limit: number): Promise<RevocationRow[]>;
  /** The largest id in the table, 0 when empty. */
  maxId(): Promise<number>;
  /** Deletes at most `limit` rows with `revoked_at <= revokedAtOrBefore`; returns how many. */
  pruneBatch(revokedAtOrBefore: number, limit: number): Promise<number>;
}

export interface RevocationPollOptions extends WatchRevocationsOptions {
  /** Between two polls, in ms (the feed's delay is about this). */
  intervalMs: number;
  /** Rows read and pruned per statement (default 1000). */
  batchSize?: number;
}

/** The default poll interval of the SQL stores: well under the one-second bound, and 4 cheap reads a second. */
export const DEFAULT_REVOCATION_POLL_INTERVAL_MS = 250;

/**
 * An id not seen while a larger one is (a transaction that took its id before another but commits
 * after it, on MySQL) is looked for again on each poll for this long, then given up (rolled back).
 */
const HOLE_TIMEOUT_MS = 30_000;
/** Holes tracked at most; beyond, the oldest are given up (a huge gap is a reset table, not transactions in flight). */
const MAX_HOLES = 10_000;
/** Pruning runs once per this many polls. */
const POLLS_PER_PRUNE = 40;

/** The options' interval checked: a whole number of ms from 10 up. */
export function revocationPollInterval(storeName: string, value: number | undefined, makeError: (message: string) => Error): number {
  if (value === undefined) return DEFAULT_REVOCATION_POLL_INTERVAL_MS;
  if (!Number.isSafeInteger(value) || value < 10) {
    throw makeError(`store "${storeName}": revocationPollIntervalMs must be a whole number of ms from 10 up, got ${value}`);
  }
  return value;
}

/**
 * Starts polling `table` for `watcher`: resolves once the revocations still retained have been
 * delivered (or, when the first read fails, once that has been reported as a lost connection; the
 * catch-up then happens when the table can be read again). Prunes rows older than the retention in
 * bounded batches every few polls. The timer does not keep the process alive.
 */
export async function pollRevocations(
  table: RevocationTable,
  watcher: RevocationWatcher,
  options: RevocationPollOptions,
): Promise<RevocationSubscription> {
  const batchSize = options.batchSize ?? 1_000;
  /** Every id up to this one has been delivered or given up. */
  let lowWater = 0;
  /** Ids above lowWater already delivered. */
  const delivered = new Set<number>();
  /** Ids above lowWater not seen yet while larger ones were, with when they were first missed. */
  const holes = new Map<number, number>();
  let connected = true;
  let started = false;
  let closed = false;
  let polls = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();

  const deliver = (rows: readonly RevocationRow[]) => {
    if (closed) return;
    // Consecutive rows of one revocation (same revokedAt) go out together.
    let group: string[] = [];
    let groupAt = 0;
    for (const row of rows) {
      if (delivered.has(row.id) || row.id <= lowWater) continue;
      delivered.add(row.id);
      holes.delete(row.id);
      if (group.length > 0 && row.revokedAt !== groupAt) {
        watcher.onRevoked({ sessionHandles: group, revokedAt: groupAt });
        group = [];
      }
      group.push(row.sessionHandle);
      groupAt = row.revokedAt;
    }
    if (group.length > 0) watcher.onRevoked({ sessionHandles: group, revokedAt: groupAt });
  };

  const advance = (highest: number, now: number) => {
    for (let id = lowWater + 1; id < highest && holes.size < MAX_HOLES; id++) {
      if (!delivered.has(id) && !holes.has(id)) holes.set(id, now);
    }
    for (;;) {
      const next = lowWater + 1;
      if (delivered.delete(next)) lowWater = next;
      else if ((holes.get(next) ?? now) < now - HOLE_TIMEOUT_MS || (next < highest && !holes.has(next))) {
        holes.delete(next);
        lowWater = next;
      } else break;
    }
  };

  const pollOnce = async () => {
    const now = Date.now();
    if (!started) {
      // Start after what is there: every retained row is delivered, and ids below the current maximum count as seen.
      const highest = await table.maxId();
      const rows = await readAll(0, now - options.retentionMs);
      deliver(rows);
      lowWater = highest;
      delivered.clear();
      holes.clear();
      started = true;
      return;
    }
    const rows = await readAll(lowWater, now - options.retentionMs);
    deliver(rows);
    advance(rows.at(-1)?.id ?? lowWater, now);
    if (++polls % POLLS_PER_PRUNE === 0) {
      await deleteInBatches((limit) => table.pruneBatch(now - options.retentionMs, limit), batchSize);
    }
  };

  const readAll = async (afterId: number, revokedAfter: number) => {
    const all: RevocationRow[] = [];
    let cursor = afterId;
    for (;;) {
      const page = await table.readAfter(cursor, revokedAfter, batchSize);
      all.push(...page);
      const last = page.at(-1);
      if (!last || page.length < batchSize || closed) return all;
      cursor = last.id;
    }
  };

  const tick = async () => {
    try {
      await pollOnce();
      if (!connected && !closed) {
        connected = true;
        watcher.onConnectionChange({ connected: true });
      }
    } catch (cause) {
      if (connected && !closed) {
        connected = false;
        watcher.onConnectionChange({ connected: false, cause });
      }
    }
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = tick().then(schedule);
    }, options.intervalMs);
    (timer as { unref?: () => void }).unref?.();
  };

  running = tick();
  await running;
  schedule();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      // A poll in flight finishes before close resolves: nothing is delivered after it.
      await running;
    },
  };
}
