import { StoreError } from "../errors";
import { timingSafeEqual } from "../util/crypto";
import { cleanupBatchSize, yieldToEventLoop } from "./expired-cleanup";
import { MemoryRevocationLog } from "./memory-revocation-log";
import type { RevocationSubscription, RevocationWatcher, WatchRevocationsOptions } from "./revocation-feed";
import { sessionPage, sessionsPastCap } from "./session-order";
import type {
  JSONObject,
  RotateRefreshTokenInput,
  SessionPageQuery,
  SessionRecord,
  SessionStore,
  SigningKeyRecord,
  UserSessionsQuery,
} from "./session-store";

export interface MemoryStoreOptions {
  /** Sessions `deleteExpiredSessions` examines before it lets the event loop run again (default 1000). */
  cleanupBatchSize?: number;
}

/**
 * Keeps sessions in process memory: for tests, demos and single-process apps that accept losing
 * every session on restart. Records are copied in and out so callers can never mutate stored state.
 */
export class MemoryStore implements SessionStore {
  readonly name = "memory";
  readonly #sessions = new Map<string, SessionRecord>();
  /** userId -> handles, so listing and revoking by user does not scan every session. */
  readonly #handlesByUser = new Map<string, Set<string>>();
  readonly #keys = new Map<string, SigningKeyRecord>();
  readonly #cleanupBatchSize: number;
  /** The revocation feed: every Latch instance sharing this object (one process) hears each revocation. */
  readonly #revocations = new MemoryRevocationLog();

  constructor(options: MemoryStoreOptions = {}) {
    this.#cleanupBatchSize = cleanupBatchSize(this.name, options.cleanupBatchSize);
  }

  async createSession(record: SessionRecord): Promise<void> {
    this.#insert(record);
  }

  #insert(record: SessionRecord): void {
    if (this.#sessions.has(record.sessionHandle)) {
      throw new StoreError(this.name, `session ${record.sessionHandle} exists`);
    }
    this.#sessions.set(record.sessionHandle, structuredClone(record));
    let handles = this.#handlesByUser.get(record.userId);
    if (!handles) {
      handles = new Set();
      this.#handlesByUser.set(record.userId, handles);
    }
    handles.add(record.sessionHandle);
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    // The insert and the revocation are one synchronous step, so parallel logins cannot interleave.
    this.#insert(record);
    const pastCap = sessionsPastCap(this.#userRecords({ userId: record.userId }), record.sessionHandle, maxSessionsPerUser, now);
    for (const old of pastCap) this.#delete(old);
    const revoked = pastCap.map((old) => old.sessionHandle);
    this.#revocations.record(revoked);
    return revoked;
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    const record = this.#sessions.get(sessionHandle);
    return record && structuredClone(record);
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    const record = this.#sessions.get(input.sessionHandle);
    if (!record || !timingSafeEqual(record.refreshTokenHash2, input.expectedRefreshTokenHash2)) return false;
    record.parentRefreshTokenHash2 = record.refreshTokenHash2;
    record.refreshTokenHash2 = input.newRefreshTokenHash2;
    record.refreshTokenRotatedAt = input.rotatedAt;
    record.expiresAt = input.newExpiresAt;
    return true;
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    const record = this.#sessions.get(sessionHandle);
    if (!record) return false;
    record.sessionDataInDatabase = structuredClone(data);
    return true;
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    const record = this.#sessions.get(sessionHandle);
    if (!record) return false;
    record.accessTokenPayload = structuredClone(payload);
    return true;
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    const revoked: string[] = [];
    for (const handle of sessionHandles) {
      const record = this.#sessions.get(handle);
      if (!record) continue;
      this.#delete(record);
      revoked.push(handle);
    }
    this.#revocations.record(revoked);
    return revoked;
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    const handles = this.#userRecords(query).map((r) => r.sessionHandle);
    return this.revokeSessions(handles);
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    return this.#userRecords(query)
      .filter((r) => r.expiresAt > now)
      .map((r) => r.sessionHandle);
  }

  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    return sessionPage(this.#userRecords(query), now, page).map((record) => structuredClone(record));
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    // A Map iterator stays valid across the yields while sessions are added and deleted (entries
    // added meanwhile are visited too), so a million sessions are walked a thousand at a time.
    let deleted = 0;
    let examined = 0;
    for (const record of this.#sessions.values()) {
      if (record.expiresAt <= now) {
        this.#delete(record);
        deleted++;
      }
      if (++examined % this.#cleanupBatchSize === 0) await yieldToEventLoop();
    }
    return deleted;
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return [...this.#keys.values()].map((k) => ({ ...k }));
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    if (!this.#keys.has(key.kid)) this.#keys.set(key.kid, { ...key });
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    for (const kid of kids) this.#keys.delete(kid);
  }

  async watchRevocations(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription> {
    return this.#revocations.watch(watcher, options);
  }

  async close(): Promise<void> {}

  #userRecords(query: UserSessionsQuery): SessionRecord[] {
    const handles = this.#handlesByUser.get(query.userId);
    if (!handles) return [];
    const records: SessionRecord[] = [];
    for (const handle of handles) {
      const record = this.#sessions.get(handle);
      if (record && (query.tenantId === undefined || record.tenantId === query.tenantId)) {
        records.push(record);
      }
    }
    return records;
  }

  #delete(record: SessionRecord): void {
    this.#sessions.delete(record.sessionHandle);
    const handles = this.#handlesByUser.get(record.userId);
    handles?.delete(record.sessionHandle);
    if (handles?.size === 0) this.#handlesByUser.delete(record.userId);
  }
}
