import type { RevocationSubscription, RevocationWatcher, WatchRevocationsOptions } from "./revocation-feed";

/** How long revocations are kept before any watch has said how long it needs them (the default access-token lifetime). */
const DEFAULT_RETENTION_MS = 3_600_000;

interface LoggedRevocation {
  sessionHandles: readonly string[];
  revokedAt: number;
}

/**
 * MemoryStore's revocation feed: revocations in the order they happened, kept as long as the
 * longest-retaining watch asks for, and handed to every watch of this store object at once. The
 * store is one process's memory, so its fleet is the Latch instances sharing the object (tests, a
 * worker setup); it never loses its "connection".
 */
export class MemoryRevocationLog {
  /** Oldest first; entries before `#head` are pruned and wait for compaction. */
  #entries: LoggedRevocation[] = [];
  #head = 0;
  readonly #watchers = new Set<RevocationWatcher>();
  #retentionMs: number | undefined;

  record(sessionHandles: readonly string[]): void {
    if (sessionHandles.length === 0) return;
    const revocation = { sessionHandles: [...sessionHandles], revokedAt: Date.now() };
    this.#entries.push(revocation);
    this.#prune(revocation.revokedAt);
    for (const watcher of this.#watchers) deliver(watcher, revocation);
  }

  watch(watcher: RevocationWatcher, options: WatchRevocationsOptions): RevocationSubscription {
    this.#retentionMs = Math.max(this.#retentionMs ?? 0, options.retentionMs);
    const now = Date.now();
    this.#prune(now);
    for (let i = this.#head; i < this.#entries.length; i++) {
      const revocation = this.#entries[i] as LoggedRevocation;
      if (revocation.revokedAt > now - options.retentionMs) deliver(watcher, revocation);
    }
    this.#watchers.add(watcher);
    return {
      close: async () => {
        this.#watchers.delete(watcher);
      },
    };
  }

  /** Drops revocations older than the retention; one entry per revocation, so the work per call stays small. */
  #prune(now: number): void {
    const oldest = now - (this.#retentionMs ?? DEFAULT_RETENTION_MS);
    while (this.#head < this.#entries.length && (this.#entries[this.#head] as LoggedRevocation).revokedAt <= oldest) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** A watcher that throws must not undo the revocation that was just made, nor starve the other watchers. */
function deliver(watcher: RevocationWatcher, revocation: LoggedRevocation): void {
  try {
    watcher.onRevoked({ sessionHandles: revocation.sessionHandles, revokedAt: revocation.revokedAt });
  } catch {
    // The watcher's own failure is its concern (core's watcher does not throw).
  }
}
