/**
 * The persistence contract every Latch store implements (memory, SQLite, PostgreSQL, MySQL, Redis).
 *
 * Rules every implementation follows (the store conformance suite in `@latch/testing` checks them):
 * - A store never sees a raw refresh token: only `refreshTokenHash2` values.
 * - JSON columns round-trip exactly (unicode, nested values); the store does not validate them,
 *   core already has.
 * - Timestamps are milliseconds since the epoch (numbers).
 * - Expired rows (`expiresAt <= now`) may still be returned by `getSession`; core checks expiry.
 *   `deleteExpiredSessions` removes them, and a store may run it by itself on any schedule.
 * - A store that cannot reach its backend throws `StoreUnavailableError` (from `@latch/core`), and a
 *   failed write leaves nothing half-written.
 */
import type { RevocationSubscription, RevocationWatcher, WatchRevocationsOptions } from "./revocation-feed";

export type JSONPrimitive = string | number | boolean | null;
export type JSONValue = JSONPrimitive | JSONValue[] | { [key: string]: JSONValue };
export type JSONObject = { [key: string]: JSONValue };

export interface SessionRecord {
  /** Random, unguessable identifier of the session (and of its refresh-token family). */
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  sessionDataInDatabase: JSONObject;
  /** The app's part of the access-token payload (no protected claims). */
  accessTokenPayload: JSONObject;
  /** Hash of hash of the current refresh token. */
  refreshTokenHash2: string;
  /** Hash of hash of the refresh token that the current one replaced, or null before the first refresh. */
  parentRefreshTokenHash2: string | null;
  /** When the current refresh token replaced its parent (ms), or null before the first refresh. */
  refreshTokenRotatedAt: number | null;
  /**
   * Per-session HMAC key (base64url). A child refresh token is HMAC(key, parent token), so a retried
   * or parallel refresh with the parent yields the same child instead of forking the family.
   */
  refreshTokenRotationKey: string;
  expiresAt: number;
  createdAt: number;
  /** The client's User-Agent at login (at most 512 characters), or null. */
  userAgent: string | null;
  /** The client's IP address at login as configured (`ipAddress`: whole, truncated to its network, or null). */
  ip: string | null;
}

export interface RotateRefreshTokenInput {
  sessionHandle: string;
  /** The rotation happens only if the row's current hash still equals this (compare-and-set). */
  expectedRefreshTokenHash2: string;
  newRefreshTokenHash2: string;
  rotatedAt: number;
  newExpiresAt: number;
}

export interface UserSessionsQuery {
  userId: string;
  /** Only sessions of this tenant; undefined means every tenant. */
  tenantId?: string | undefined;
}

/** Where a page of `listSessionsForUser` starts: after this (createdAt, sessionHandle) pair. */
export interface SessionPageQuery {
  /** At most this many records. */
  limit: number;
  /** Records strictly after this position in (createdAt, sessionHandle) order; `{ createdAt: -1, sessionHandle: "" }` for the first page. */
  after: { createdAt: number; sessionHandle: string };
}

export type SigningAlgorithm = "RS256" | "ES256" | "EdDSA";

export interface SigningKeyRecord {
  kid: string;
  algorithm: SigningAlgorithm;
  /** Private JWK as a JSON string. */
  privateJwk: string;
  /** Public JWK as a JSON string. */
  publicJwk: string;
  createdAt: number;
}

export interface SessionStore {
  /** A short name for logs and errors, e.g. "sqlite". */
  readonly name: string;

  /** Inserts a new session. Fails (rejects) if the handle exists. */
  createSession(record: SessionRecord): Promise<void>;
  /**
   * Inserts a new session and, in the same atomic step, deletes the user's oldest live sessions (any
   * tenant, by createdAt then sessionHandle) so that at most `maxSessionsPerUser` live ones remain,
   * the new one always among them. Parallel calls for one user never leave more than the cap alive.
   * Returns the deleted handles.
   */
  createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]>;
  /** The session with this handle, or undefined. */
  getSession(sessionHandle: string): Promise<SessionRecord | undefined>;
  /**
   * Atomically replaces the current refresh-token hash if it still equals `expectedRefreshTokenHash2`:
   * the old current becomes the parent, `refreshTokenRotatedAt` and `expiresAt` are set.
   * Returns false (and changes nothing) when the row is gone or its current hash differs.
   */
  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean>;
  /** Replaces `sessionDataInDatabase`. Returns false when the session does not exist. */
  updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean>;
  /** Replaces `accessTokenPayload`. Returns false when the session does not exist. */
  updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean>;
  /** Deletes these sessions; returns the handles that existed and were deleted. */
  revokeSessions(sessionHandles: readonly string[]): Promise<string[]>;
  /** Deletes every session of the user (in one tenant, or all); returns the deleted handles. */
  revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]>;
  /** Handles of the user's sessions (in one tenant, or all), expired ones excluded (`expiresAt > now`). */
  listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]>;
  /**
   * The user's live sessions (in one tenant, or all; `expiresAt > now`) ordered by createdAt, then
   * sessionHandle, starting after `page.after`, at most `page.limit` of them.
   */
  listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]>;
  /** Deletes sessions with `expiresAt <= now`; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;

  /** Every stored signing key, any algorithm, in any order. */
  getSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Adds a key; adding a `kid` that exists is a no-op. */
  addSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Removes these keys (unknown kids are ignored). */
  removeSigningKeys(kids: readonly string[]): Promise<void>;

  /**
   * Optional: the store's revocation feed (see revocation-feed.ts for the contract). A store that
   * has one lets every server refuse a revoked session's access tokens within about a second.
   */
  watchRevocations?(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription>;

  /** Releases connections or files the store opened itself (not ones the app passed in). */
  close(): Promise<void>;
}
