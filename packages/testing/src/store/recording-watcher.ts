import type { RevocationWatcher } from "@latch/core";

// For store tests of a revocation feed (watchRevocations).

/** A watcher that keeps what the feed told it, and waits (generously; never a timing assertion) for what a test expects. */
export function recordingWatcher() {
  /** Handle -> revokedAt, as delivered (a duplicate overwrites with the same value). */
  const revoked = new Map<string, number>();
  /** Every connection report, in order. */
  const changes: Array<{ connected: boolean; cause?: unknown }> = [];
  const watcher: RevocationWatcher = {
    onRevoked({ sessionHandles, revokedAt }) {
      for (const handle of sessionHandles) revoked.set(handle, revokedAt);
    },
    onConnectionChange(change) {
      changes.push(change);
    },
  };
  async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return {
    watcher,
    revoked,
    changes,
    until,
    /** Resolves once every one of these handles was delivered. */
    received: (handles: readonly string[]) => until(() => handles.every((handle) => revoked.has(handle)), `handles ${handles.join(", ")}`),
  };
}
