/**
 * Fleet-wide revocation: how every server sharing a store learns, within about a second, that a
 * session was revoked elsewhere, while a protected GET still verifies locally with no store read.
 *
 * The contract for stores that implement `SessionStore.watchRevocations`:
 * - Every deletion made by `revokeSessions`, `revokeSessionsForUser` and `createSessionWithinCap`
 *   (the sessions pushed out past the cap) is recorded in the store's revocation feed in the same
 *   atomic step as the deletion (the same transaction, statement or MULTI): a revocation is never
 *   lost between "deleted" and "announced". Expiry (`deleteExpiredSessions`) is not a revocation.
 * - The feed keeps each revocation for at least `retentionMs` (the access-token lifetime: older
 *   revocations only concern tokens that have expired anyway) and prunes what is older.
 * - A watcher first receives every revocation still retained (a server that starts, or reconnects
 *   after an outage, catches up), then each new one as it happens, made through any store instance
 *   on the same backend, this one included. Duplicates are allowed; the receiver is idempotent.
 * - The feed reports a lost connection once per outage and its recovery once it has caught up.
 */
export interface RevokedSessions {
  sessionHandles: readonly string[];
  /** When the revocation was recorded (ms since the epoch, the writer's clock). */
  revokedAt: number;
}

export interface RevocationWatcher {
  /** Revocations recorded through any store instance on this backend. */
  onRevoked(revoked: RevokedSessions): void;
  /** The feed lost its connection (`connected: false`, with the cause) or is back and caught up. */
  onConnectionChange(change: { connected: boolean; cause?: unknown }): void;
}

export interface WatchRevocationsOptions {
  /** Revocations younger than this are delivered at start and after a reconnect. */
  retentionMs: number;
}

export interface RevocationSubscription {
  /** Stops watching and releases the connection or timer the watch opened. */
  close(): Promise<void>;
}
