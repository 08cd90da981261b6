import type {
  JSONObject,
  RotateRefreshTokenInput,
  SessionPageQuery,
  SessionRecord,
  SessionStore,
  SigningKeyRecord,
  UserSessionsQuery,
} from "@latch/core";
import { DEFAULT_CLEANUP_BATCH_SIZE, deleteInBatches, isLatchError, StoreError, StoreUnavailableError } from "@latch/core";
import {
  SESSION_COLUMNS,
  type SessionRow,
  SIGNING_KEY_COLUMNS,
  type SigningKeyRow,
  sessionFromRow,
  sessionRowValues,
  signingKeyFromRow,
  signingKeyRowValues,
  sqliteSchemaV1,
  sqliteSchemaV2,
  sqliteSessionQueries,
} from "@latch/core/sql";
import type { D1Database } from "./d1-types";

export interface D1StoreOptions {
  /** The Worker's D1 binding (`env.DB`). */
  database: D1Database;
  /** Prefix of every table Latch creates (default `latch_`): `latch_sessions`, `latch_signing_keys`, `latch_schema_version`. */
  tablePrefix?: string;
  /** Expired sessions are deleted on `createSession` at most this often per isolate, in ms (default 60 000; 0 turns it off). */
  cleanupIntervalMs?: number;
}

const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,32}$/;

/**
 * The schema, idempotent: D1 has no interactive transactions, so instead of a version check inside
 * one, every statement may run again (two isolates starting at once both run it, harmlessly).
 * The tables are @latch/sqlite's version 1, then its version 2 (see #migrate).
 */
function schemaV1(p: string): string[] {
  return [
    ...sqliteSchemaV1(p, { ifNotExists: true }),
    `CREATE TABLE IF NOT EXISTS ${p}schema_version (version INTEGER NOT NULL PRIMARY KEY) STRICT`,
    `INSERT INTO ${p}schema_version (version) VALUES (1) ON CONFLICT (version) DO NOTHING`,
  ];
}

/** What SQLite answers when a column to add exists: the step already ran (in this isolate or another). */
const DUPLICATE_COLUMN = /duplicate column name/i;

/** D1's messages for "try again later" (the database, not the query): answered as 503 by Latch. */
const UNAVAILABLE =
  /network connection lost|overloaded|storage (operation )?(was )?reset|timed out|internal error|too many requests|unavailable/i;

type HandleRow = { session_handle: string };

/**
 * Sessions and signing keys in Cloudflare D1 (SQLite at the edge), the same tables as @latch/sqlite.
 * Every call is one statement (or one batch), so it needs no Node API and no connection to manage;
 * the schema is created on first use, once per isolate.
 */
export class D1Store implements SessionStore {
  readonly name = "d1";
  readonly #db: D1Database;
  readonly #p: string;
  readonly #cleanupIntervalMs: number;
  readonly #queries: ReturnType<typeof sqliteSessionQueries>;
  #ready: Promise<void> | undefined;
  #lastCleanup = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: D1StoreOptions) {
    const prefix = options.tablePrefix ?? "latch_";
    if (!TABLE_PREFIX.test(prefix)) {
      throw new StoreError("d1", `tablePrefix must match ${TABLE_PREFIX} (letters, digits, '_'), got ${JSON.stringify(prefix)}`);
    }
    if (typeof options.database?.prepare !== "function") throw new StoreError("d1", "database must be a D1 binding (env.DB)");
    this.#db = options.database;
    this.#p = prefix;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.#queries = sqliteSessionQueries(prefix);
  }

  async createSession(record: SessionRecord): Promise<void> {
    await this.#run(async () => {
      const now = Date.now();
      const statements = [this.#insertStatement(record)];
      // Housekeeping rides along in the same round trip, at most once per interval, one batch of rows.
      if (this.#cleanupIntervalMs > 0 && now - this.#lastCleanup >= this.#cleanupIntervalMs) {
        this.#lastCleanup = now;
        statements.unshift(this.#db.prepare(this.#queries.deleteExpiredBatch).bind(now, DEFAULT_CLEANUP_BATCH_SIZE));
      }
      await (statements.length === 1 ? statements[0]?.run() : this.#db.batch(statements));
    }).catch((error: unknown) => {
      throw this.#duplicateHandle(error, record);
    });
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    return this.#run(async () => {
      // A batch is one transaction, and D1 runs one writer at a time: the insert and the trim
      // of the user's oldest sessions are atomic against any other login.
      const [, trimmed] = await this.#db.batch([
        this.#insertStatement(record),
        this.#db.prepare(this.#queries.revokePastCap).bind(record.userId, record.sessionHandle, now, maxSessionsPerUser - 1),
      ]);
      return (trimmed?.results as HandleRow[] | undefined)?.map((row) => row.session_handle) ?? [];
    }).catch((error: unknown) => {
      throw this.#duplicateHandle(error, record);
    });
  }

  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    const { createdAt, sessionHandle } = page.after;
    return this.#run(async () => {
      const statement =
        query.tenantId === undefined
          ? this.#db.prepare(this.#queries.listPage).bind(query.userId, now, createdAt, createdAt, sessionHandle, page.limit)
          : this.#db
              .prepare(this.#queries.listPageTenant)
              .bind(query.userId, query.tenantId, now, createdAt, createdAt, sessionHandle, page.limit);
      const { results } = await statement.all<SessionRow>();
      return results.map(sessionFromRow);
    });
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    return this.#run(async () => {
      const row = await this.#db
        .prepare(`SELECT * FROM ${this.#p}sessions WHERE session_handle = ?`)
        .bind(sessionHandle)
        .first<SessionRow>();
      return row ? sessionFromRow(row) : undefined;
    });
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    // One UPDATE with the expected hash in its WHERE: the compare and the set are one atomic step.
    return this.#changed(
      `UPDATE ${this.#p}sessions SET parent_refresh_token_hash2 = refresh_token_hash2, refresh_token_hash2 = ?,
        refresh_token_rotated_at = ?, expires_at = ? WHERE session_handle = ? AND refresh_token_hash2 = ?`,
      [input.newRefreshTokenHash2, input.rotatedAt, input.newExpiresAt, input.sessionHandle, input.expectedRefreshTokenHash2],
    );
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    return this.#changed(`UPDATE ${this.#p}sessions SET session_data = ? WHERE session_handle = ?`, [JSON.stringify(data), sessionHandle]);
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    return this.#changed(`UPDATE ${this.#p}sessions SET access_token_payload = ? WHERE session_handle = ?`, [
      JSON.stringify(payload),
      sessionHandle,
    ]);
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    if (sessionHandles.length === 0) return [];
    // json_each takes the whole list as one parameter: one statement for any count.
    return this.#handles(
      `DELETE FROM ${this.#p}sessions WHERE session_handle IN (SELECT value FROM json_each(?)) RETURNING session_handle`,
      [JSON.stringify(sessionHandles)],
    );
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    return query.tenantId === undefined
      ? this.#handles(`DELETE FROM ${this.#p}sessions WHERE user_id = ? RETURNING session_handle`, [query.userId])
      : this.#handles(`DELETE FROM ${this.#p}sessions WHERE user_id = ? AND tenant_id = ? RETURNING session_handle`, [
          query.userId,
          query.tenantId,
        ]);
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    return query.tenantId === undefined
      ? this.#handles(`SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND expires_at > ?`, [query.userId, now])
      : this.#handles(`SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ?`, [
          query.userId,
          query.tenantId,
          now,
        ]);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return deleteInBatches(
      (limit) => this.#run(async () => (await this.#db.prepare(this.#queries.deleteExpiredBatch).bind(now, limit).run()).meta.changes),
      DEFAULT_CLEANUP_BATCH_SIZE,
    );
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.#run(async () => {
      const { results } = await this.#db.prepare(`SELECT * FROM ${this.#p}signing_keys`).all<SigningKeyRow>();
      return results.map(signingKeyFromRow);
    });
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    await this.#run(async () => {
      await this.#db
        .prepare(
          `INSERT INTO ${this.#p}signing_keys (${SIGNING_KEY_COLUMNS.join(", ")}) VALUES (${SIGNING_KEY_COLUMNS.map(() => "?").join(", ")})
           ON CONFLICT (kid) DO NOTHING`,
        )
        .bind(...signingKeyRowValues(key))
        .run();
    });
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.#run(async () => {
      await this.#db
        .prepare(`DELETE FROM ${this.#p}signing_keys WHERE kid IN (SELECT value FROM json_each(?))`)
        .bind(JSON.stringify(kids))
        .run();
    });
  }

  /** The binding belongs to the Worker: nothing to close. Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #insertStatement(record: SessionRecord) {
    return this.#db
      .prepare(`INSERT INTO ${this.#p}sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map(() => "?").join(", ")})`)
      .bind(...sessionRowValues(record));
  }

  #duplicateHandle(error: unknown, record: SessionRecord): unknown {
    if (!isLatchError(error) || !/UNIQUE constraint failed/i.test(messageOf(error))) return error;
    return new StoreError(this.name, `a session with handle ${JSON.stringify(record.sessionHandle)} exists`, { cause: error });
  }

  /** Version 1 in one batch, then version 2's columns one statement at a time, each allowed to have run already. */
  async #migrate(): Promise<void> {
    await this.#db.batch(schemaV1(this.#p).map((sql) => this.#db.prepare(sql)));
    for (const sql of sqliteSchemaV2(this.#p)) {
      try {
        await this.#db.prepare(sql).run();
      } catch (error) {
        if (!DUPLICATE_COLUMN.test(messageOf(error))) throw error;
      }
    }
    await this.#db.prepare(`INSERT INTO ${this.#p}schema_version (version) VALUES (2) ON CONFLICT (version) DO NOTHING`).run();
  }

  async #changed(sql: string, values: unknown[]): Promise<boolean> {
    return this.#run(
      async () =>
        (
          await this.#db
            .prepare(sql)
            .bind(...values)
            .run()
        ).meta.changes === 1,
    );
  }

  async #handles(sql: string, values: unknown[]): Promise<string[]> {
    return this.#run(async () => {
      const { results } = await this.#db
        .prepare(sql)
        .bind(...values)
        .all<HandleRow>();
      return results.map((row) => row.session_handle);
    });
  }

  /** Creates the schema on first use (retried on the next call if it failed), then runs the call; errors become Latch's typed ones. */
  async #run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
      this.#ready ??= this.#migrate().then(
        () => undefined,
        (error: unknown) => {
          this.#ready = undefined;
          throw error;
        },
      );
      await this.#ready;
      return await operation();
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    if (isLatchError(error)) return error;
    const message = messageOf(error);
    if (UNAVAILABLE.test(message)) return new StoreUnavailableError(this.name, { cause: error });
    return new StoreError(this.name, message, { cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
