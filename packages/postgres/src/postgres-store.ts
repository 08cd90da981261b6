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
import { cleanupBatchSize, deleteInBatches, isLatchError, StoreError, StoreUnavailableError } from "@latch/core";
import {
  SESSION_COLUMNS,
  type SessionRow,
  SIGNING_KEY_COLUMNS,
  type SigningKeyRow,
  sessionFromRow,
  sessionRowValues,
  signingKeyFromRow,
  signingKeyRowValues,
} from "@latch/core/sql";
import { DatabaseError, Pool, type PoolClient, type PoolConfig, type QueryResultRow } from "pg";
import { PostgresRevocationFeed, revokingStatement } from "./revocation-feed";

export interface PostgresStoreOptions {
  /** The app's `pg.Pool`. Latch runs its queries on it and never ends it. */
  pool?: Pool;
  /** Or a connection string (`postgres://user:password@host:5432/db`): Latch opens a pool of its own and ends it on `close()`. */
  connectionString?: string;
  /** More settings for the pool Latch opens (ignored with `pool`). `connectionTimeoutMillis` defaults to 5000 here. */
  poolConfig?: PoolConfig;
  /** Prefix of every table Latch creates (default `latch_`): `latch_sessions`, `latch_signing_keys`, `latch_revocations`, `latch_schema_version`. */
  tablePrefix?: string;
  /** Expired sessions are deleted in the background of a `createSession` at most this often, in ms (default 60 000; 0 turns it off). */
  cleanupIntervalMs?: number;
  /** Expired sessions deleted per statement (default 1000): the cleanup runs batch after batch, each a short transaction. */
  cleanupBatchSize?: number;
  /**
   * Revocations the `revocations` table keeps for other servers' feeds, in ms (default 3 600 000, the
   * default access-token lifetime); a watch asking for longer (`retentionMs`) raises it. The cleanup
   * prunes older rows.
   */
  revocationRetentionMs?: number;
}

/** Core's default access-token lifetime: a revocation older than that only concerns expired tokens. */
const DEFAULT_REVOCATION_RETENTION_MS = 3_600_000;

const TABLE_PREFIX = /^[a-z_][a-z0-9_]{0,32}$/;

/**
 * Schema versions in order; version N is `migrations(p)[N - 1]`. Never edit one that has shipped: append.
 * JSON is kept as `text`, not `jsonb`: jsonb reorders keys and rejects `\u0000`, and Latch never
 * queries inside it, so text round-trips exactly for free.
 */
function migrations(p: string): string[][] {
  return [
    [
      `CREATE TABLE ${p}sessions (
        session_handle text NOT NULL PRIMARY KEY,
        user_id text NOT NULL,
        recipe_user_id text NOT NULL,
        tenant_id text NOT NULL,
        session_data text NOT NULL,
        access_token_payload text NOT NULL,
        refresh_token_hash2 text NOT NULL,
        parent_refresh_token_hash2 text,
        refresh_token_rotated_at bigint,
        refresh_token_rotation_key text NOT NULL,
        expires_at bigint NOT NULL,
        created_at bigint NOT NULL
      )`,
      `CREATE INDEX ${p}sessions_user_tenant ON ${p}sessions (user_id, tenant_id)`,
      `CREATE INDEX ${p}sessions_expires_at ON ${p}sessions (expires_at)`,
      `CREATE TABLE ${p}signing_keys (
        kid text NOT NULL PRIMARY KEY,
        algorithm text NOT NULL,
        private_jwk text NOT NULL,
        public_jwk text NOT NULL,
        created_at bigint NOT NULL
      )`,
    ],
    // 2: listing a user's live sessions reads one index. With (user_id, tenant_id) and (expires_at)
    // apart, a table not yet ANALYZEd got a BitmapAnd that read every live row's index entry
    // (28 ms at 100k sessions in issue 18's probe, 9.7 ms against 0.1 ms in bench/SCALE.md); with
    // expires_at in the user's index, the plan is one index range whatever the statistics. Revoke-by-user uses the same index's prefix. (CREATE INDEX blocks
    // writes while it builds: about a second per million sessions.)
    [
      `CREATE INDEX ${p}sessions_user_tenant_expires ON ${p}sessions (user_id, tenant_id, expires_at)`,
      `DROP INDEX ${p}sessions_user_tenant`,
    ],
    // 3: device details (user agent, IP address at login); rows from versions 1 and 2 have neither.
    [`ALTER TABLE ${p}sessions ADD COLUMN user_agent text, ADD COLUMN ip text`],
    // 4: the revocation feed. Every deletion by a revoke or the cap adds its handles here in the
    // same statement and announces them with pg_notify; a server's watcher LISTENs, and reads this
    // table at start and after a reconnect. Pruned by revoked_at after the retention.
    [
      `CREATE TABLE ${p}revocations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_handle text NOT NULL,
        revoked_at bigint NOT NULL
      )`,
      `CREATE INDEX ${p}revocations_revoked_at ON ${p}revocations (revoked_at)`,
    ],
  ];
}

/** Node socket errors that mean the server cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
/**
 * SQLSTATEs that mean "unavailable": 08 connection exceptions, 53 insufficient resources (too many
 * connections), 57P01-57P05 the server shutting down or terminating the backend, 57014 a query
 * cancelled by a timeout, 58 system errors.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0|57014|58)/;
/** What pg throws without a code when its connection or pool is gone. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client was closed|Client has encountered a connection error|Cannot use a pool after calling end/i;

/**
 * Sessions and signing keys in PostgreSQL (node-postgres). Tables are created by `migrate()`, which
 * also runs by itself before the first query; a version table and an advisory lock let several app
 * instances start at once. The refresh-token rotation is one `UPDATE ... WHERE` (compare and set).
 */
export class PostgresStore implements SessionStore {
  readonly name = "postgres";
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #p: string;
  readonly #cleanupIntervalMs: number;
  readonly #cleanupBatchSize: number;
  /** The channel every instance on this database and prefix NOTIFYs and LISTENs on. */
  readonly #channel: string;
  #revocationRetentionMs: number;
  readonly #feeds = new Set<PostgresRevocationFeed>();
  #migration: Promise<void> | undefined;
  #lastCleanup = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: PostgresStoreOptions) {
    const prefix = options.tablePrefix ?? "latch_";
    if (!TABLE_PREFIX.test(prefix)) {
      throw new StoreError(
        "postgres",
        `tablePrefix must match ${TABLE_PREFIX} (lower-case letters, digits, '_'), got ${JSON.stringify(prefix)}`,
      );
    }
    const retention = options.revocationRetentionMs ?? DEFAULT_REVOCATION_RETENTION_MS;
    if (!Number.isSafeInteger(retention) || retention < 1) {
      throw new StoreError("postgres", `revocationRetentionMs must be a whole number of ms from 1 up, got ${retention}`);
    }
    if (options.pool) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else if (options.connectionString || options.poolConfig) {
      this.#pool = new Pool({ connectionTimeoutMillis: 5_000, ...options.poolConfig, connectionString: options.connectionString });
      this.#ownsPool = true;
      // An idle connection the server drops emits "error" on the pool; unheard, it would crash the
      // process. The next query gets a fresh connection (or a StoreUnavailableError), so nothing is lost.
      this.#pool.on("error", () => {});
    } else {
      throw new StoreError("postgres", "pass either `pool` or `connectionString`");
    }
    this.#p = prefix;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.#cleanupBatchSize = cleanupBatchSize(this.name, options.cleanupBatchSize);
    this.#channel = `${prefix}revocations`;
    this.#revocationRetentionMs = retention;
  }

  /** Creates or upgrades the tables. Runs by itself before the first query; call it at deploy time to fail early. */
  async migrate(): Promise<void> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    this.#migration ??= this.#runMigrations().catch((error: unknown) => {
      // Retried on the next call: the database may just have been unreachable.
      this.#migration = undefined;
      throw this.#translate(error);
    });
    return this.#migration;
  }

  async createSession(record: SessionRecord): Promise<void> {
    this.#cleanUpIfDue();
    await this.#insert(record, (text, values) => this.#query("insert", text, values));
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    this.#cleanUpIfDue();
    await this.migrate();
    const p = this.#p;
    try {
      return await this.#inTransaction(async (client) => {
        // Logins of one user queue on this lock; the DELETE (a new statement, so a new snapshot in
        // READ COMMITTED) then sees every session the logins before it committed.
        await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`latch-cap:${p}:${record.userId}`]);
        await this.#insert(record, (text, values) => client.query(text, values));
        const result = await client.query<{ session_handle: string }>(
          revokingStatement(
            p,
            `DELETE FROM ${p}sessions WHERE session_handle IN (
              SELECT session_handle FROM ${p}sessions WHERE user_id = $1 AND session_handle <> $2 AND expires_at > $3
              ORDER BY created_at DESC, session_handle DESC OFFSET $4) RETURNING session_handle`,
            "$5",
            "$6",
          ),
          [record.userId, record.sessionHandle, now, maxSessionsPerUser - 1, Date.now(), this.#channel],
        );
        return result.rows.map((row) => row.session_handle);
      });
    } catch (error) {
      throw this.#translate(error);
    }
  }

  async #insert(record: SessionRecord, run: (text: string, values: unknown[]) => Promise<unknown>): Promise<void> {
    try {
      await run(
        `INSERT INTO ${this.#p}sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
        sessionRowValues(record),
      );
    } catch (error) {
      const cause = error instanceof StoreError ? error.cause : error;
      if (sqlState(cause) === "23505") {
        throw new StoreError(this.name, `a session with handle ${JSON.stringify(record.sessionHandle)} exists`, { cause });
      }
      throw error;
    }
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    const rows = await this.#query<SessionRow>("get", `SELECT * FROM ${this.#p}sessions WHERE session_handle = $1`, [sessionHandle]);
    return rows[0] && sessionFromRow(rows[0]);
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    // The expected hash is in the WHERE: under concurrent updates PostgreSQL re-checks it after
    // waiting for the row lock, so exactly one of several rotations with one expected hash matches.
    const rows = await this.#query(
      "rotate",
      `UPDATE ${this.#p}sessions SET parent_refresh_token_hash2 = refresh_token_hash2, refresh_token_hash2 = $1,
        refresh_token_rotated_at = $2, expires_at = $3 WHERE session_handle = $4 AND refresh_token_hash2 = $5 RETURNING 1 AS rotated`,
      [input.newRefreshTokenHash2, input.rotatedAt, input.newExpiresAt, input.sessionHandle, input.expectedRefreshTokenHash2],
    );
    return rows.length === 1;
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    const rows = await this.#query(
      "update_data",
      `UPDATE ${this.#p}sessions SET session_data = $1 WHERE session_handle = $2 RETURNING 1 AS updated`,
      [JSON.stringify(data), sessionHandle],
    );
    return rows.length === 1;
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    const rows = await this.#query(
      "update_payload",
      `UPDATE ${this.#p}sessions SET access_token_payload = $1 WHERE session_handle = $2 RETURNING 1 AS updated`,
      [JSON.stringify(payload), sessionHandle],
    );
    return rows.length === 1;
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    if (sessionHandles.length === 0) return [];
    const rows = await this.#query<{ session_handle: string }>(
      "revoke",
      revokingStatement(
        this.#p,
        `DELETE FROM ${this.#p}sessions WHERE session_handle = ANY($1::text[]) RETURNING session_handle`,
        "$2",
        "$3",
      ),
      [sessionHandles, Date.now(), this.#channel],
    );
    return rows.map((row) => row.session_handle);
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    const rows =
      query.tenantId === undefined
        ? await this.#query<{ session_handle: string }>(
            "revoke_user",
            revokingStatement(this.#p, `DELETE FROM ${this.#p}sessions WHERE user_id = $1 RETURNING session_handle`, "$2", "$3"),
            [query.userId, Date.now(), this.#channel],
          )
        : await this.#query<{ session_handle: string }>(
            "revoke_user_tenant",
            revokingStatement(
              this.#p,
              `DELETE FROM ${this.#p}sessions WHERE user_id = $1 AND tenant_id = $2 RETURNING session_handle`,
              "$3",
              "$4",
            ),
            [query.userId, query.tenantId, Date.now(), this.#channel],
          );
    return rows.map((row) => row.session_handle);
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    const rows =
      query.tenantId === undefined
        ? await this.#query<{ session_handle: string }>(
            "list_user",
            `SELECT session_handle FROM ${this.#p}sessions WHERE user_id = $1 AND expires_at > $2`,
            [query.userId, now],
          )
        : await this.#query<{ session_handle: string }>(
            "list_user_tenant",
            `SELECT session_handle FROM ${this.#p}sessions WHERE user_id = $1 AND tenant_id = $2 AND expires_at > $3`,
            [query.userId, query.tenantId, now],
          );
    return rows.map((row) => row.session_handle);
  }

  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    const { createdAt, sessionHandle } = page.after;
    // Placeholders $1 and $2 are the user and time; the tenant, when given, comes last.
    const tenant = query.tenantId === undefined ? "" : "AND tenant_id = $6";
    const rows = await this.#query<SessionRow>(
      query.tenantId === undefined ? "list_page" : "list_page_tenant",
      `SELECT * FROM ${this.#p}sessions WHERE user_id = $1 AND expires_at > $2 ${tenant}
        AND (created_at, session_handle) > ($3, $4) ORDER BY created_at, session_handle LIMIT $5`,
      [query.userId, now, createdAt, sessionHandle, page.limit, ...(query.tenantId === undefined ? [] : [query.tenantId])],
    );
    return rows.map(sessionFromRow);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const deleted = await this.#deleteExpiredSessionRows(now);
    await this.#pruneRevocations();
    return deleted;
  }

  /**
   * Deletes revocations older than the retention (by this server's clock, whatever `now` a caller
   * passes for sessions), in batches like the session cleanup. Runs with every cleanup.
   */
  async #pruneRevocations(): Promise<number> {
    const cutoff = Date.now() - this.#revocationRetentionMs;
    return deleteInBatches(async (limit) => {
      const rows = await this.#query<{ deleted: string }>(
        "prune_revocations",
        `WITH deleted AS (DELETE FROM ${this.#p}revocations WHERE id IN (
          SELECT id FROM ${this.#p}revocations WHERE revoked_at < $1 LIMIT $2) RETURNING 1)
         SELECT count(*) AS deleted FROM deleted`,
        [cutoff, limit],
      );
      return Number(rows[0]?.deleted ?? 0);
    }, this.#cleanupBatchSize);
  }

  /**
   * The revocation feed: a dedicated connection LISTENs on this prefix's channel (one connection per
   * watch, outside the pool); the rows younger than `retentionMs` are delivered first. Resolves once
   * caught up, or, when the database cannot be reached, after reporting the outage; it then retries
   * with backoff (100 ms doubling to 5 s) and catches up again on each reconnect.
   */
  async watchRevocations(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    this.#revocationRetentionMs = Math.max(this.#revocationRetentionMs, options.retentionMs);
    const feed = new PostgresRevocationFeed({
      clientConfig: this.#pool.options,
      p: this.#p,
      channel: this.#channel,
      retentionMs: options.retentionMs,
      watcher,
      migrate: () => this.migrate(),
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

  async #deleteExpiredSessionRows(now: number): Promise<number> {
    // Each batch is one short statement (its own transaction): row locks and WAL are held for a
    // thousand rows at a time, never for every expired row at once. SKIP LOCKED leaves rows that a
    // concurrent rotation holds to a later batch or run instead of waiting for them.
    return deleteInBatches(async (limit) => {
      const rows = await this.#query<{ deleted: string }>(
        "delete_expired",
        `WITH deleted AS (DELETE FROM ${this.#p}sessions WHERE session_handle IN (
          SELECT session_handle FROM ${this.#p}sessions WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING 1)
         SELECT count(*) AS deleted FROM deleted`,
        [now, limit],
      );
      return Number(rows[0]?.deleted ?? 0);
    }, this.#cleanupBatchSize);
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.#query<SigningKeyRow>("keys", `SELECT * FROM ${this.#p}signing_keys`, []);
    return rows.map(signingKeyFromRow);
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    await this.#query(
      "add_key",
      `INSERT INTO ${this.#p}signing_keys (${SIGNING_KEY_COLUMNS.join(", ")}) VALUES (${SIGNING_KEY_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})
       ON CONFLICT (kid) DO NOTHING`,
      signingKeyRowValues(key),
    );
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.#query("remove_keys", `DELETE FROM ${this.#p}signing_keys WHERE kid = ANY($1::text[])`, [kids]);
  }

  /** Ends the pool if Latch opened it (an app's `pool` stays open). Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#feeds].map((feed) => feed.close()));
    this.#feeds.clear();
    if (this.#ownsPool) await this.#pool.end();
  }

  /**
   * Deletes expired sessions in the background, at most once per interval: the request that triggers
   * it does not wait for it, and a failure only means the next interval tries again.
   */
  #cleanUpIfDue(): void {
    const now = Date.now();
    if (this.#cleanupIntervalMs <= 0 || now - this.#lastCleanup < this.#cleanupIntervalMs) return;
    this.#lastCleanup = now;
    this.deleteExpiredSessions(now).catch(() => {});
  }

  async #runMigrations(): Promise<void> {
    const p = this.#p;
    const steps = migrations(p);
    await this.#inTransaction(async (client) => {
      // One migrator per database and prefix at a time; the lock ends with the transaction.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`latch-migrate:${p}`]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${p}schema_version (version integer NOT NULL)`);
      const result = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${p}schema_version`);
      const current = result.rows[0]?.version ?? 0;
      if (current > steps.length) {
        throw new StoreError(this.name, `the database has schema version ${current}; this @latch/postgres knows up to ${steps.length}`);
      }
      for (let version = current + 1; version <= steps.length; version++) {
        for (const sql of steps[version - 1] ?? []) await client.query(sql);
        await client.query(`INSERT INTO ${p}schema_version (version) VALUES ($1)`, [version]);
      }
    });
  }

  /** Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when it throws. */
  async #inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      // A connection whose ROLLBACK failed is not returned to the pool for reuse.
      client.release(broken);
    }
  }

  /**
   * Runs one statement as a named prepared statement (parsed once per connection), after the
   * migration, and turns driver errors into Latch's typed store errors.
   */
  async #query<R extends QueryResultRow = QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    await this.migrate();
    try {
      const result = await this.#pool.query<R>({ name: `latch_${this.#p}${name}`, text, values });
      return result.rows;
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    // Already typed (ours, or from a store call nested in this one): passed on as it is.
    if (isLatchError(error)) return error;
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
    const message = error instanceof Error ? error.message : String(error);
    if (this.#closed || NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(sqlState(error) ?? "") || UNAVAILABLE_MESSAGE.test(message)) {
      return new StoreUnavailableError(this.name, { cause: error });
    }
    return new StoreError(this.name, message, { cause: error });
  }
}

/** The SQLSTATE of an error the server sent (not of a socket error, whose `code` is e.g. ECONNRESET). */
function sqlState(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}
