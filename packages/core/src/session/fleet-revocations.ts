import { describeError, type Logger } from "../log";
import type { RevocationSubscription, RevocationWatcher, RevokedSessions } from "../store/revocation-feed";
import type { SessionStore } from "../store/session-store";

/** What a server does while its revocation feed is not connected (store unreachable, or still catching up). */
export type WhileFeedDisconnected = "verify-locally" | "check-store";

export interface FleetRevocationSettings {
  /** Revocations are kept this long: the access-token lifetime (older revocations concern expired tokens only). */
  retentionMs: number;
  whileDisconnected: WhileFeedDisconnected;
  log: Logger;
}

/** Added to the retention: revokedAt is the writer's clock, and servers' clocks differ a little. */
const CLOCK_SKEW_MARGIN_MS = 60_000;
/** Entries one prune examines at most, so that a burst of revocations never costs a pause. */
const PRUNE_BATCH = 1_000;
/** A watch that could not start is tried again after this long, doubling up to the maximum. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

type FeedState = "not-started" | "connecting" | "connected" | "disconnected" | "closed";

/**
 * This server's view of the fleet's revocations: the session handles revoked anywhere on the store
 * within the access-token lifetime, fed by the store's revocation feed and by this process's own
 * revocations at once. The protected-GET hot path asks `isRevoked` (one Map lookup) and, only in
 * the "check-store" mode while the feed is down, `mustCheckStore`.
 */
export class FleetRevocations {
  /** sessionHandle -> revokedAt, in arrival order (roughly revokedAt order), so pruning reads from the front. */
  readonly #revoked = new Map<string, number>();
  readonly #store: SessionStore;
  readonly #settings: FleetRevocationSettings;
  #state: FeedState = "not-started";
  #subscription: Promise<RevocationSubscription | undefined> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = FIRST_RETRY_MS;
  #disconnectedSince = 0;
  /**
   * True while protected requests must read the store: the "check-store" mode with the feed not
   * connected. A plain field, read on the hot path without a call.
   */
  mustCheckStore = false;

  constructor(store: SessionStore, settings: FleetRevocationSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  /** Whether `sessionHandle` was revoked (through any server sharing the store) within the retention. */
  isRevoked(sessionHandle: string): boolean {
    return this.#revoked.has(sessionHandle);
  }

  /** Feed state, for tests and diagnostics. */
  get state(): FeedState {
    return this.#state;
  }

  /** Starts the watch on first use (never at import or build time); later calls cost one comparison. */
  start(): void {
    if (this.#state !== "not-started") return;
    this.#setState("connecting");
    this.#open();
  }

  /** Sessions this process revoked: refused at once, without waiting for the feed to echo them. */
  add(sessionHandles: readonly string[], revokedAt = Date.now()): void {
    for (const handle of sessionHandles) if (!this.#revoked.has(handle)) this.#revoked.set(handle, revokedAt);
    this.#prune();
  }

  async close(): Promise<void> {
    const opening = this.#subscription;
    this.#setState("closed");
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#subscription = undefined;
    const subscription = await opening;
    await subscription?.close();
  }

  #open(): void {
    const watch = this.#store.watchRevocations;
    if (!watch) return;
    // Whether this watch itself has said it is down (then only its own "connected" means caught up).
    let feedReportedDown = false;
    const watcher: RevocationWatcher = {
      onRevoked: (revoked: RevokedSessions) => {
        if (this.#state !== "closed") this.add(revoked.sessionHandles, revoked.revokedAt);
      },
      onConnectionChange: (change) => {
        if (this.#state === "closed") return;
        feedReportedDown = !change.connected;
        if (change.connected) this.#connected();
        else this.#disconnected(change.cause);
      },
    };
    this.#subscription = watch.call(this.#store, watcher, { retentionMs: this.#settings.retentionMs + CLOCK_SKEW_MARGIN_MS }).then(
      (subscription) => {
        if (this.#state === "closed") {
          void subscription.close();
          return undefined;
        }
        // The watch has delivered what was retained before resolving; unless it reported trouble, it is caught up.
        if (!feedReportedDown) this.#connected();
        return subscription;
      },
      (error: unknown) => {
        if (this.#state === "closed") return undefined;
        this.#disconnected(error);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          if (this.#state !== "closed") this.#open();
        }, this.#retryMs);
        (this.#retryTimer as { unref?: () => void }).unref?.();
        this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
        return undefined;
      },
    );
  }

  #connected(): void {
    const was = this.#state;
    this.#retryMs = FIRST_RETRY_MS;
    this.#setState("connected");
    if (was === "disconnected") {
      const seconds = Math.round((Date.now() - this.#disconnectedSince) / 1000);
      this.#settings.log.info(
        `revocation feed of session store "${this.#store.name}" is connected again after ${seconds} s and has caught up`,
      );
    }
  }

  #disconnected(cause: unknown): void {
    if (this.#state === "disconnected") return;
    this.#disconnectedSince = Date.now();
    this.#setState("disconnected");
    const consequence =
      this.#settings.whileDisconnected === "check-store"
        ? "until it is back, every protected request reads the store (503 when the store cannot answer)"
        : "until it is back, this server verifies access tokens locally and may accept sessions revoked meanwhile on other servers " +
          "(for as long as the outage lasts, at most an access-token lifetime); it catches up when the feed returns";
    this.#settings.log.warn(
      `revocation feed of session store "${this.#store.name}" is not connected: ${describeError(cause)}. ${consequence}`,
    );
  }

  #setState(state: FeedState): void {
    this.#state = state;
    this.mustCheckStore = this.#settings.whileDisconnected === "check-store" && (state === "connecting" || state === "disconnected");
  }

  /** Drops revocations older than the retention from the front, a bounded batch per call. */
  #prune(): void {
    const oldest = Date.now() - this.#settings.retentionMs - CLOCK_SKEW_MARGIN_MS;
    let examined = 0;
    for (const [handle, revokedAt] of this.#revoked) {
      if (revokedAt > oldest || ++examined > PRUNE_BATCH) return;
      this.#revoked.delete(handle);
    }
  }

  /** How many revocations are held (for tests: pruning keeps this bounded). */
  get size(): number {
    return this.#revoked.size;
  }
}
