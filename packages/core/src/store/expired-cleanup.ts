import { StoreError } from "../errors";

// The expired-session cleanup of every store runs in bounded batches. One statement over every
// expired row held SQLite's event loop for 3 s at 40,000 expired rows (issue 14) and holds locks for
// as long on the SQL servers; a batch of about a thousand rows costs a few milliseconds, and the
// event loop serves requests between two batches.

/** Rows one cleanup batch deletes (or, for the memory store, records one batch examines) by default. */
export const DEFAULT_CLEANUP_BATCH_SIZE = 1_000;

type Scheduler = { setImmediate?: (callback: () => void) => unknown };

/**
 * Resolves after queued I/O and timers have had their turn: `setImmediate` where the runtime has it
 * (Node, Bun, Deno), a zero timeout elsewhere. A resolved promise alone would not let I/O run.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as Scheduler).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * Calls `deleteBatch(batchSize)` until a batch deletes fewer than `batchSize` rows, yielding to the
 * event loop between batches; returns the total deleted. Rows expiring while it runs may be taken
 * by a later batch too, which is fine: they are expired by the same `now`.
 */
export async function deleteInBatches(deleteBatch: (batchSize: number) => Promise<number> | number, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
    await yieldToEventLoop();
  }
}

/** A store's `cleanupBatchSize` option checked: a whole number from 1 up, or the default when unset. */
export function cleanupBatchSize(storeName: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_CLEANUP_BATCH_SIZE;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new StoreError(storeName, `cleanupBatchSize must be a whole number from 1 up, got ${value}`);
  }
  return value;
}
