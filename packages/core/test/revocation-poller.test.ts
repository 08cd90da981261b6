// The polled revocation feed of SQLite and MySQL (@latch/core/sql), against a table double whose
// rows become visible in any order, as commits of concurrent MySQL transactions do.
import { afterEach, describe, expect, it, vi } from "vitest";
import { pollRevocations, type RevocationRow, type RevocationTable } from "../src/sql/index";

function tableDouble() {
  const rows: RevocationRow[] = [];
  const control = { down: false as boolean, reads: 0 };
  const failIfDown = () => {
    if (control.down) throw new Error("connect ECONNREFUSED 127.0.0.1:3306");
  };
  const table: RevocationTable = {
    async readAfter(afterId, revokedAfter, limit) {
      failIfDown();
      control.reads++;
      return rows
        .filter((row) => row.id > afterId && row.revokedAt > revokedAfter)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit);
    },
    async maxId() {
      failIfDown();
      return Math.max(0, ...rows.map((row) => row.id));
    },
    async pruneBatch(before, limit) {
      failIfDown();
      const old = rows.filter((row) => row.revokedAt <= before).slice(0, limit);
      for (const row of old) rows.splice(rows.indexOf(row), 1);
      return old.length;
    },
  };
  const commit = (id: number, revokedAt = Date.now()) => rows.push({ id, sessionHandle: `handle-${id}`, revokedAt });
  return { table, rows, control, commit };
}

function recordingWatcher() {
  const handles: string[] = [];
  const changes: boolean[] = [];
  return {
    handles,
    changes,
    watcher: {
      onRevoked: (revoked: { sessionHandles: readonly string[] }) => handles.push(...revoked.sessionHandles),
      onConnectionChange: (change: { connected: boolean }) => changes.push(change.connected),
    },
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe("pollRevocations", () => {
  it("delivers retained rows before resolving, then new ones; an id committed after a larger one is not lost", async () => {
    const { table, commit } = tableDouble();
    commit(1, Date.now() - 120_000); // older than the retention
    commit(2);
    const seen = recordingWatcher();
    const subscription = await pollRevocations(table, seen.watcher, { retentionMs: 60_000, intervalMs: 10, batchSize: 2 });
    closers.push(() => subscription.close());
    expect(seen.handles).toEqual(["handle-2"]);
    // Transaction 4 commits first; 3 (which took its id earlier) a moment later.
    commit(4);
    commit(5);
    commit(6);
    await vi.waitFor(() => expect(seen.handles).toEqual(["handle-2", "handle-4", "handle-5", "handle-6"]), { timeout: 5_000 });
    commit(3);
    await vi.waitFor(() => expect(seen.handles).toContain("handle-3"), { timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Each once, although the poll reads from the hole on.
    expect([...seen.handles].sort()).toEqual(["handle-2", "handle-3", "handle-4", "handle-5", "handle-6"]);
  });

  it("reports a failing table once, catches up when it answers again, then reports the recovery", async () => {
    const { table, control, commit } = tableDouble();
    const seen = recordingWatcher();
    const subscription = await pollRevocations(table, seen.watcher, { retentionMs: 60_000, intervalMs: 10 });
    closers.push(() => subscription.close());
    control.down = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    commit(1);
    commit(2);
    expect(seen.changes).toEqual([false]);
    control.down = false;
    await vi.waitFor(() => expect(seen.changes).toEqual([false, true]), { timeout: 5_000 });
    expect(seen.handles).toEqual(["handle-1", "handle-2"]);
  });

  it("resolves even when the first read fails (reported as a lost connection), and catches up later", async () => {
    const { table, control, commit } = tableDouble();
    control.down = true;
    commit(1);
    const seen = recordingWatcher();
    const subscription = await pollRevocations(table, seen.watcher, { retentionMs: 60_000, intervalMs: 10 });
    closers.push(() => subscription.close());
    expect(seen.changes).toEqual([false]);
    control.down = false;
    await vi.waitFor(() => expect(seen.handles).toEqual(["handle-1"]), { timeout: 5_000 });
    expect(seen.changes).toEqual([false, true]);
  });

  it("prunes rows past the retention in bounded batches, and reads nothing after close()", async () => {
    const { table, rows, control, commit } = tableDouble();
    for (let id = 1; id <= 25; id++) commit(id, Date.now() - 120_000);
    const seen = recordingWatcher();
    const subscription = await pollRevocations(table, seen.watcher, { retentionMs: 60_000, intervalMs: 5, batchSize: 10 });
    await vi.waitFor(() => expect(rows).toEqual([]), { timeout: 10_000 });
    expect(seen.handles).toEqual([]);
    await subscription.close();
    const reads = control.reads;
    commit(26);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(control.reads).toBe(reads);
    expect(seen.handles).toEqual([]);
  });
});
