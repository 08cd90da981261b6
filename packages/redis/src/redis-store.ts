import type {
  JSONObject,
  RevocationSubscription,
  RevocationWatcher,
  RotateRefreshTokenInput,
  SessionPageQuery,
  SessionRecord,
  SessionStore,
  SigningKeyRecord,
  UserSessionsQuery,
  WatchRevocationsOptions,
} from "@latch/core";
import { cleanupBatchSize, isLatchError, StoreError, StoreUnavailableError, sessionPage, yieldToEventLoop } from "@latch/core";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { slotOfTag, slotTags } from "./cluster-slots";
import { RedisRevocationFeed } from "./revocation-feed";
import { CREATE, CREATE_WITHIN_CAP, DELETE_EXPIRED, LIST_USER, type LuaScript, REVOKE, REVOKE_USER, ROTATE, UPDATE_FIELD } from "./scripts";

export interface RedisStoreOptions {
  /** The app's ioredis client (`Redis` or `Cluster`). Latch never closes it. */
  client?: Redis | Cluster;
  /** Or a `redis://` / `rediss://` URL: Latch opens its own client and closes it on `close()`. */
  url?: string;
  /**
   * Or the seed nodes of a Redis Cluster (one is enough; the rest are discovered): Latch opens its own
   * ioredis `Cluster` and closes it on `close()`.
   */
  clusterNodes?: ReadonlyArray<{ host: string; port: number }>;
  /** More ioredis options for the client Latch opens (ignored with `client`); for a Cluster, those of each node's connection. */
  redisOptions?: RedisOptions;
  /** More ioredis `Cluster` options for the Cluster client Latch opens from `clusterNodes`. */
  clusterOptions?: ClusterOptions;
  /** Prefix of every key (default `latch:`): letters, digits and `:_.-` only. */
  keyPrefix?: string;
  /**
   * User indexes `deleteExpiredSessions` takes per SCAN step (default 1000). Each user's expired
   * sessions go in one short script; the event loop runs between two steps.
   */
  cleanupBatchSize?: number;
  /**
   * Revocations the feed keeps for other servers' watchers, in ms (default 3 600 000, the default
   * access-token lifetime); a watch asking for longer (`retentionMs`) raises it. Each revoking script
   * prunes a bounded number of older entries, and an idle feed key expires.
   */
  revocationRetentionMs?: number;
}

/** Core's default access-token lifetime: a revocation older than that only concerns expired tokens. */
const DEFAULT_REVOCATION_RETENTION_MS = 3_600_000;

const KEY_PREFIX = /^[A-Za-z0-9:_.-]{0,64}$/;

/** Node socket errors and ioredis/Redis messages that mean "the server cannot be used right now". */
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Connection is closed|Stream isn't writeable|max retries|None of startup nodes|Failed to refresh slots|Cluster redirections|^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY|BUSY|OOM|NOREPLICAS)\b/;

/**
 * `{` and `}` would end a hash tag early and `%` is the escape itself: escaped, every user id and
 * handle gets a key of its own, and a user's keys all hash to one Cluster slot.
 */
function keyPart(value: string): string {
  return value.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * Sessions and signing keys in Redis (ioredis), Redis Cluster ready. Layout, with `P` the prefix:
 * - `P{u:<userId>}:s:<handle>`: the session, a hash that expires (PEXPIREAT) with the session;
 * - `P{u:<userId>}:idx`: the user's handles, a sorted set scored by expiry;
 * - `P{h:<handle>}`: which user a handle belongs to, so a handle alone finds its session;
 * - `P{keys}`: the signing keys, a hash kid -> JSON;
 * - the revocation feed, a sorted set handle -> revokedAt: `P{revocations}` on one server; on a
 *   Cluster one per slot, `P{<tag>}:rev` with a tag in the user's slot (see cluster-slots.ts), so the
 *   script that deletes a user's sessions records them in the same step. Revocations are PUBLISHed
 *   on the channel `Prevocations`.
 * A user's session and index share one hash tag, so every change to them is one Lua script (atomic,
 * one slot). A new session claims its handle first (SET NX), then writes session and index: a failure
 * in between leaves only a claim that leads nowhere and expires.
 * Requires Redis 7 (PEXPIREAT ... GT).
 */
export class RedisStore implements SessionStore {
  readonly name = "redis";
  readonly #client: Redis | Cluster;
  readonly #ownsClient: boolean;
  readonly #p: string;
  readonly #cleanupBatchSize: number;
  #revocationRetentionMs: number;
  readonly #feeds = new Set<RedisRevocationFeed>();
  #closed = false;

  constructor(options: RedisStoreOptions) {
    const prefix = options.keyPrefix ?? "latch:";
    if (!KEY_PREFIX.test(prefix)) throw new StoreError("redis", `keyPrefix must match ${KEY_PREFIX}, got ${JSON.stringify(prefix)}`);
    this.#p = prefix;
    this.#cleanupBatchSize = cleanupBatchSize(this.name, options.cleanupBatchSize);
    const retention = options.revocationRetentionMs ?? DEFAULT_REVOCATION_RETENTION_MS;
    if (!Number.isSafeInteger(retention) || retention < 1) {
      throw new StoreError("redis", `revocationRetentionMs must be a whole number of ms from 1 up, got ${retention}`);
    }
    this.#revocationRetentionMs = retention;
    if (options.client) {
      this.#client = options.client;
      this.#ownsClient = false;
    } else if (options.url !== undefined || options.redisOptions || options.clusterNodes) {
      const settings: RedisOptions = {
        // When the connection drops, fail the calls in flight and queued right away instead of holding
        // them across reconnect attempts: the caller gets StoreUnavailableError (HTTP 503) fast, and the
        // client keeps reconnecting for the next call. (With 1 or more, ioredis 6 plus the setting below
        // can leave a call cut off mid-flight pending forever.)
        maxRetriesPerRequest: 0,
        // A command cut off mid-flight has an unknown outcome; re-sending it after a reconnect could
        // apply it twice (a create would then look like a duplicate). Fail it instead.
        autoResendUnfulfilledCommands: false,
        connectTimeout: 5_000,
        lazyConnect: true,
        ...options.redisOptions,
      };
      if (options.clusterNodes) {
        this.#client = new Cluster([...options.clusterNodes], {
          lazyConnect: true,
          // While a master is away the cluster answers CLUSTERDOWN: fail those calls too (503) after a short wait.
          retryDelayOnClusterDown: 100,
          ...options.clusterOptions,
          redisOptions: { ...settings, ...options.clusterOptions?.redisOptions },
        });
      } else {
        this.#client = options.url === undefined ? new Redis(settings) : new Redis(options.url, settings);
      }
      this.#ownsClient = true;
      // Connection errors surface as rejected calls; without a listener ioredis would also log each one.
      this.#client.on("error", () => {});
    } else {
      throw new StoreError("redis", "pass `client`, `url` or `clusterNodes`");
    }
  }

  async createSession(record: SessionRecord): Promise<void> {
    await this.#run(async () => {
      await this.#claimHandle(record);
      const created = await this.#eval(
        CREATE,
        [this.#sessionKey(record.userId, record.sessionHandle), this.#indexKey(record.userId)],
        [record.sessionHandle, String(Date.now()), String(record.expiresAt), ...hashFields(record)],
      );
      // Only when a handle claim expired while its session lived on (clock trouble): still a duplicate.
      if (created !== 1) throw this.#duplicate(record);
    });
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    return this.#run(async (client) => {
      await this.#claimHandle(record);
      // One script on the user's slot: the insert and the cap are one atomic step for that user.
      const revoked = await this.#eval(
        CREATE_WITHIN_CAP,
        [this.#sessionKey(record.userId, record.sessionHandle), this.#indexKey(record.userId), this.#feedKey(record.userId)],
        [
          record.sessionHandle,
          String(now),
          String(record.expiresAt),
          this.#sessionKeyPrefix(record.userId),
          String(maxSessionsPerUser),
          ...this.#feedArgs(),
          ...hashFields(record),
        ],
      );
      if (revoked === null) throw this.#duplicate(record);
      const handles = stringArray(revoked);
      // The handle claims live in other slots, so they go after the script.
      await Promise.all(handles.map((handle) => client.del(this.#handleKey(handle))));
      return handles;
    });
  }

  /** Reserves the handle (SET NX), which also maps it to its user for reads by handle. */
  async #claimHandle(record: SessionRecord): Promise<void> {
    const claimed = await this.#client.set(
      this.#handleKey(record.sessionHandle),
      record.userId,
      "PXAT",
      claimExpiry(record.expiresAt),
      "NX",
    );
    if (claimed === null) throw this.#duplicate(record);
  }

  #duplicate(record: SessionRecord): StoreError {
    return new StoreError(this.name, `a session with handle ${JSON.stringify(record.sessionHandle)} exists`);
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    return this.#run(async (client) => {
      const userId = await client.get(this.#handleKey(sessionHandle));
      if (userId === null) return undefined;
      const hash = await client.hgetall(this.#sessionKey(userId, sessionHandle));
      return hash.sessionHandle === undefined ? undefined : fromHash(hash);
    });
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    return this.#run(async (client) => {
      const handleKey = this.#handleKey(input.sessionHandle);
      const userId = await client.get(handleKey);
      if (userId === null) return false;
      // Extend the claim first: should the rotation then fail, the claim merely outlives the session.
      await client.pexpireat(handleKey, claimExpiry(input.newExpiresAt), "GT");
      const rotated = await this.#eval(
        ROTATE,
        [this.#sessionKey(userId, input.sessionHandle), this.#indexKey(userId)],
        [
          input.expectedRefreshTokenHash2,
          input.newRefreshTokenHash2,
          String(input.rotatedAt),
          String(input.newExpiresAt),
          input.sessionHandle,
        ],
      );
      return rotated === 1;
    });
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    return this.#updateField(sessionHandle, "sessionDataInDatabase", JSON.stringify(data));
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    return this.#updateField(sessionHandle, "accessTokenPayload", JSON.stringify(payload));
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    const unique = [...new Set(sessionHandles)];
    if (unique.length === 0) return [];
    return this.#run(async (client) => {
      // One call per handle, all in flight at once: the handles live in different Cluster slots.
      const revoked = await Promise.all(
        unique.map(async (handle) => {
          const handleKey = this.#handleKey(handle);
          const userId = await client.get(handleKey);
          if (userId === null) return undefined;
          const deleted = await this.#eval(
            REVOKE,
            [this.#sessionKey(userId, handle), this.#indexKey(userId), this.#feedKey(userId)],
            [handle, ...this.#feedArgs()],
          );
          await client.del(handleKey);
          return deleted === 1 ? handle : undefined;
        }),
      );
      return revoked.filter((handle): handle is string => handle !== undefined);
    });
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    return this.#run(async (client) => {
      const revoked = await this.#eval(
        REVOKE_USER,
        [this.#indexKey(query.userId), this.#feedKey(query.userId)],
        [this.#sessionKeyPrefix(query.userId), query.tenantId === undefined ? "0" : "1", query.tenantId ?? "", ...this.#feedArgs()],
      );
      const handles = stringArray(revoked);
      await Promise.all(handles.map((handle) => client.del(this.#handleKey(handle))));
      return handles;
    });
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    return this.#run(async () => {
      const handles = await this.#eval(
        LIST_USER,
        [this.#indexKey(query.userId)],
        [this.#sessionKeyPrefix(query.userId), String(now), query.tenantId === undefined ? "0" : "1", query.tenantId ?? ""],
      );
      return stringArray(handles);
    });
  }

  /** Reads every live session of the user, then sorts and pages in memory: users have few sessions. */
  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    const handles = await this.listSessionHandlesForUser(query, now);
    return this.#run(async (client) => {
      const hashes = await Promise.all(handles.map((handle) => client.hgetall(this.#sessionKey(query.userId, handle))));
      const records = hashes.filter((hash) => hash.sessionHandle !== undefined).map(fromHash);
      return sessionPage(records, now, page);
    });
  }

  /**
   * Walks every user index with SCAN (on every master of a Cluster), one SCAN step at a time: a
   * maintenance call, not a hot path. Redis expires the session hashes by itself (PEXPIREAT); this
   * also drops their index entries and handle claims.
   */
  async deleteExpiredSessions(now: number): Promise<number> {
    return this.#run(async (client) => {
      let deleted = 0;
      for await (const indexKeys of this.#indexKeyBatches()) {
        const results = await Promise.all(
          indexKeys.map(async (indexKey) => {
            const sessionKeyPrefix = `${indexKey.slice(0, -"idx".length)}s:`;
            const handles = stringArray(await this.#eval(DELETE_EXPIRED, [indexKey], [sessionKeyPrefix, String(now)]));
            await Promise.all(handles.map((handle) => client.del(this.#handleKey(handle))));
            return handles.length;
          }),
        );
        for (const count of results) deleted += count;
        await yieldToEventLoop();
      }
      return deleted;
    });
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.#run(async (client) => {
      const hash = await client.hgetall(this.#keysKey());
      return Object.values(hash).map((json) => JSON.parse(json) as SigningKeyRecord);
    });
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    const record: SigningKeyRecord = {
      kid: key.kid,
      algorithm: key.algorithm,
      privateJwk: key.privateJwk,
      publicJwk: key.publicJwk,
      createdAt: key.createdAt,
    };
    await this.#run((client) => client.hsetnx(this.#keysKey(), key.kid, JSON.stringify(record)));
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.#run((client) => client.hdel(this.#keysKey(), ...kids));
  }

  /**
   * The revocation feed: a dedicated subscriber connection (one per watch; on a Cluster to one node,
   * which receives every node's PUBLISH) on the prefix's channel; the feed's entries younger than
   * `retentionMs` are delivered first (on a Cluster: one read per slot, 16,384, pipelined per master). Resolves
   * once caught up, or, when Redis cannot be reached, after reporting the outage; it then retries
   * with backoff (100 ms doubling to 5 s) and catches up again on each reconnect.
   */
  async watchRevocations(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    this.#revocationRetentionMs = Math.max(this.#revocationRetentionMs, options.retentionMs);
    const feed = new RedisRevocationFeed({
      client: this.#client,
      feedKeys: () => (this.#client.isCluster ? slotTags().map((tag) => `${this.#p}{${tag}}:rev`) : [`${this.#p}{revocations}`]),
      channel: this.#channel(),
      retentionMs: options.retentionMs,
      watcher,
    });
    this.#feeds.add(feed);
    await feed.start();
    return {
      close: async () => {
        this.#feeds.delete(feed);
        await feed.close();
      },
    };
  }

  /** Closes the client if Latch opened it (an app's `client` stays open). Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#feeds].map((feed) => feed.close()));
    this.#feeds.clear();
    if (!this.#ownsClient) return;
    const client = this.#client;
    if (client.status === "ready") {
      await client.quit().catch(() => client.disconnect());
    } else {
      client.disconnect();
    }
  }

  #handleKey(handle: string): string {
    return `${this.#p}{h:${keyPart(handle)}}`;
  }

  #userTag(userId: string): string {
    return `${this.#p}{u:${keyPart(userId)}}`;
  }

  #indexKey(userId: string): string {
    return `${this.#userTag(userId)}:idx`;
  }

  #sessionKeyPrefix(userId: string): string {
    return `${this.#userTag(userId)}:s:`;
  }

  #sessionKey(userId: string, handle: string): string {
    // After the hash tag, so the handle needs no escaping.
    return this.#sessionKeyPrefix(userId) + handle;
  }

  #keysKey(): string {
    return `${this.#p}{keys}`;
  }

  /** The revocation feed key in the user's slot (on a single server, the one feed key). */
  #feedKey(userId: string): string {
    if (!this.#client.isCluster) return `${this.#p}{revocations}`;
    return `${this.#p}{${slotTags()[slotOfTag(`u:${keyPart(userId)}`)]}}:rev`;
  }

  #channel(): string {
    return `${this.#p}revocations`;
  }

  /** The revoking scripts' feed arguments: revokedAt, prune cutoff, keep-until, channel. */
  #feedArgs(): string[] {
    const now = Date.now();
    return [String(now), String(now - this.#revocationRetentionMs), String(now + this.#revocationRetentionMs), this.#channel()];
  }

  async #updateField(sessionHandle: string, field: string, value: string): Promise<boolean> {
    return this.#run(async (client) => {
      const userId = await client.get(this.#handleKey(sessionHandle));
      if (userId === null) return false;
      return (await this.#eval(UPDATE_FIELD, [this.#sessionKey(userId, sessionHandle)], [field, value])) === 1;
    });
  }

  /** The user index keys, a SCAN step's worth at a time (SCAN may repeat a key; DELETE_EXPIRED twice is harmless). */
  async *#indexKeyBatches(): AsyncGenerator<string[]> {
    const client = this.#client;
    const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes("master") : [client as Redis];
    const pattern = `${this.#p}{u:*}:idx`;
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", this.#cleanupBatchSize);
        if (batch.length > 0) yield batch;
        cursor = next;
      } while (cursor !== "0");
    }
  }

  /** EVALSHA, falling back to EVAL the first time a server (or a restarted one) sees the script. */
  async #eval(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.#client.evalsha(script.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.#client.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  async #run<T>(operation: (client: Redis | Cluster) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    try {
      return await operation(this.#client);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    // Already typed (ours, or from a store call nested in this one): passed on as it is.
    if (isLatchError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const name = error instanceof Error ? error.name : "";
    if (this.#closed || name === "MaxRetriesPerRequestError" || UNAVAILABLE.test(message) || UNAVAILABLE.test(code)) {
      return new StoreUnavailableError(this.name, { cause: error });
    }
    return new StoreError(this.name, message, { cause: error });
  }
}

/**
 * A handle's claim must never expire before its session. A session created already expired keeps
 * its claim for a second, so a duplicate create right after it is still refused.
 */
function claimExpiry(expiresAt: number): number {
  return Math.max(expiresAt, Date.now() + 1_000);
}

function stringArray(value: unknown): string[] {
  if (!Array.isArray(value)) throw new Error(`unexpected reply from a Latch script: ${JSON.stringify(value)}`);
  return value.map(String);
}

function fromHash(hash: Record<string, string>): SessionRecord {
  const field = (name: string): string => {
    const value = hash[name];
    if (value === undefined) throw new Error(`session hash without ${name}`);
    return value;
  };
  const rotatedAt = hash.refreshTokenRotatedAt;
  return {
    sessionHandle: field("sessionHandle"),
    userId: field("userId"),
    recipeUserId: field("recipeUserId"),
    tenantId: field("tenantId"),
    sessionDataInDatabase: JSON.parse(field("sessionDataInDatabase")) as JSONObject,
    accessTokenPayload: JSON.parse(field("accessTokenPayload")) as JSONObject,
    refreshTokenHash2: field("refreshTokenHash2"),
    parentRefreshTokenHash2: hash.parentRefreshTokenHash2 ?? null,
    refreshTokenRotatedAt: rotatedAt === undefined ? null : Number(rotatedAt),
    refreshTokenRotationKey: field("refreshTokenRotationKey"),
    expiresAt: Number(field("expiresAt")),
    createdAt: Number(field("createdAt")),
    // Absent on sessions written before device details existed.
    userAgent: hash.userAgent ?? null,
    ip: hash.ip ?? null,
  };
}

/** The session hash's field/value pairs; null values are left out (absent means null). */
function hashFields(record: SessionRecord): string[] {
  const fields: string[] = [
    "sessionHandle",
    record.sessionHandle,
    "userId",
    record.userId,
    "recipeUserId",
    record.recipeUserId,
    "tenantId",
    record.tenantId,
    "sessionDataInDatabase",
    JSON.stringify(record.sessionDataInDatabase),
    "accessTokenPayload",
    JSON.stringify(record.accessTokenPayload),
    "refreshTokenHash2",
    record.refreshTokenHash2,
    "refreshTokenRotationKey",
    record.refreshTokenRotationKey,
    "expiresAt",
    String(record.expiresAt),
    "createdAt",
    String(record.createdAt),
  ];
  if (record.parentRefreshTokenHash2 !== null) fields.push("parentRefreshTokenHash2", record.parentRefreshTokenHash2);
  if (record.refreshTokenRotatedAt !== null) fields.push("refreshTokenRotatedAt", String(record.refreshTokenRotatedAt));
  if (record.userAgent !== null) fields.push("userAgent", record.userAgent);
  if (record.ip !== null) fields.push("ip", record.ip);
  return fields;
}
