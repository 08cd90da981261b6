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
  pollRevocations,
  type RevocationRow,
  revocationPollInterval,
  SESSION_COLUMNS,
  type SessionRow,
  type SessionRowValues,
  SIGNING_KEY_COLUMNS,
  type SigningKeyRow,
  type SigningKeyRowValues,
  sessionFromRow,
  sessionRow,
  signingKeyFromRow,
  signingKeyRow,
  sqliteSchemaV1,
  sqliteSchemaV2,
  sqliteSessionQueries,
} from "@latch/core/sql";
import { appDatabaseDriver, openDriver } from "./choose-driver";
import type { BetterSqlite3Database, NodeSqliteDatabase, SqliteDriver, SqliteDriverName } from "./driver";
import { isClosedConnectionError, sqliteCode } from "./sqlite-errors";

export interface SqliteStoreOptions {
  /** The database file, created when missing. Default `./latch.db`; `:memory:` for a throwaway database. */
  path?: string;
  /**
   * The SQLite library for a file Latch opens. Default: `node:sqlite` where the runtime has it
   * (Node.js 22.13+, 23.4+), else `better-sqlite3` (an optional dependency).
   */
  driver?: SqliteDriverName;
  /**
   * An open database of the app's, used instead of `path`: a better-sqlite3 `Database` or a
   * node:sqlite `DatabaseSync`. Latch leaves its pragmas (journal mode, busy timeout) to the app and never closes it.
   */
  database?: BetterSqlite3Database | NodeSqliteDatabase;
  /** Prefix of every table Latch creates (default `latch_`): `latch_sessions`, `latch_signing_keys`, `latch_schema_version`. */
  tablePrefix?: string;
  /** How long a write waits for another connection's lock before failing, in ms (default 5000). Files Latch opens only. */
  busyTimeoutMs?: number;
  /** Expired sessions are deleted in the background of a `createSession` at most this often, in ms (default 60 000; 0 turns it off). */
  cleanupIntervalMs?: number;
  /**
   * Expired sessions deleted per statement (default 250). The cleanup runs batch after batch and lets
   * the event loop run in between, so no batch holds it (or the write lock) for long.
   */
  cleanupBatchSize?: number;
  /**
   * How often a revocation-feed watch (fleet revocation in core) reads the revocations table, in ms
   * (default 250): the delay before other processes on the file refuse a revoked session.
   */
  revocationPollIntervalMs?: number;
}

const TABLE_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,32}$/;

/**
 * Smaller than the other stores' 1000: a SQLite delete runs on the event loop, and each row touches
 * random pages of three indexes and the WAL. At 100k sessions with 10k expired, one statement held
 * the event loop for 222 ms of CPU, batches of 250 at most 32.5 ms (bench/SCALE.md).
 */
const SQLITE_CLEANUP_BATCH_SIZE = 250;

/** Schema versions in order; version N is `MIGRATIONS[N - 1]`. Never edit one that has shipped: append. */
function migrations(p: string): string[][] {
  return [
    sqliteSchemaV1(p, { ifNotExists: false }),
    // 2: device details (user agent, IP address at login); rows from version 1 have neither.
    sqliteSchemaV2(p),
    // 3: the revocations table, the feed other processes on the file poll (fleet revocation).
    // AUTOINCREMENT: an id is never reused after the largest row is pruned, so the poll's cursor holds.
    [
      `CREATE TABLE ${p}revocations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_handle TEXT NOT NULL,
        revoked_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE INDEX ${p}revocations_revoked_at ON ${p}revocations (revoked_at)`,
    ],
  ];
}

/** SQLite result codes that mean "the database cannot be used right now", not "this call was wrong". */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|IOERR|FULL|READONLY|PROTOCOL|NOMEM|PERM|AUTH)/;

function prepareStatements(db: SqliteDriver, p: string) {
  const queries = sqliteSessionQueries(p);
  return {
    insert: db.prepare<[SessionRowValues]>(
      `INSERT INTO ${p}sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map((column) => `@${column}`).join(", ")})`,
    ),
    get: db.prepare<[string], SessionRow>(`SELECT * FROM ${p}sessions WHERE session_handle = ?`),
    rotate: db.prepare<[string, number, number, string, string]>(
      `UPDATE ${p}sessions SET parent_refresh_token_hash2 = refresh_token_hash2, refresh_token_hash2 = ?,
        refresh_token_rotated_at = ?, expires_at = ? WHERE session_handle = ? AND refresh_token_hash2 = ?`,
    ),
    updateData: db.prepare<[string, string]>(`UPDATE ${p}sessions SET session_data = ? WHERE session_handle = ?`),
    updatePayload: db.prepare<[string, string]>(`UPDATE ${p}sessions SET access_token_payload = ? WHERE session_handle = ?`),
    // json_each takes the whole list as one parameter, so one prepared statement serves any count.
    revoke: db.prepare<[string], { session_handle: string }>(
      `DELETE FROM ${p}sessions WHERE session_handle IN (SELECT value FROM json_each(?)) RETURNING session_handle`,
    ),
    revokeUser: db.prepare<[string], { session_handle: string }>(`DELETE FROM ${p}sessions WHERE user_id = ? RETURNING session_handle`),
    revokeUserTenant: db.prepare<[string, string], { session_handle: string }>(
      `DELETE FROM ${p}sessions WHERE user_id = ? AND tenant_id = ? RETURNING session_handle`,
    ),
    listUser: db.prepare<[string, number], { session_handle: string }>(
      `SELECT session_handle FROM ${p}sessions WHERE user_id = ? AND expires_at > ?`,
    ),
    listUserTenant: db.prepare<[string, string, number], { session_handle: string }>(
      `SELECT session_handle FROM ${p}sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ?`,
    ),
    deleteExpired: db.prepare<[number, number]>(queries.deleteExpiredBatch),
    listPage: db.prepare<[string, number, number, number, string, number], SessionRow>(queries.listPage),
    listPageTenant: db.prepare<[string, string, number, number, number, string, number], SessionRow>(queries.listPageTenant),
    revokePastCap: db.prepare<[string, string, number, number], { session_handle: string }>(queries.revokePastCap),
    keys: db.prepare<[], SigningKeyRow>(`SELECT * FROM ${p}signing_keys`),
    addKey: db.prepare<[SigningKeyRowValues]>(
      `INSERT INTO ${p}signing_keys (${SIGNING_KEY_COLUMNS.join(", ")}) VALUES (${SIGNING_KEY_COLUMNS.map((column) => `@${column}`).join(", ")})
       ON CONFLICT (kid) DO NOTHING`,
    ),
    removeKeys: db.prepare<[string]>(`DELETE FROM ${p}signing_keys WHERE kid IN (SELECT value FROM json_each(?))`),
    recordRevocations: db.prepare<[number, string]>(
      `INSERT INTO ${p}revocations (session_handle, revoked_at) SELECT value, ? FROM json_each(?)`,
    ),
    revocationsAfter: db.prepare<[number, number, number], { id: number; session_handle: string; revoked_at: number }>(
      `SELECT id, session_handle, revoked_at FROM ${p}revocations WHERE id > ? AND revoked_at > ? ORDER BY id LIMIT ?`,
    ),
    maxRevocationId: db.prepare<[], { id: number | null }>(`SELECT max(id) AS id FROM ${p}revocations`),
    pruneRevocations: db.prepare<[number, number]>(
      `DELETE FROM ${p}revocations WHERE id IN (SELECT id FROM ${p}revocations WHERE revoked_at <= ? LIMIT ?)`,
    ),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * Sessions and signing keys in a SQLite file (node:sqlite or better-sqlite3): the embedded default,
 * nothing to run. The file is opened and its schema created on first use; the store deletes expired
 * sessions by itself, lazily on `createSession`, so it needs no timer (nothing keeps the process alive).
 */
export class SqliteStore implements SessionStore {
  readonly name = "sqlite";
  readonly #path: string;
  readonly #driverName: SqliteDriverName | undefined;
  readonly #appDatabase: BetterSqlite3Database | NodeSqliteDatabase | undefined;
  readonly #prefix: string;
  readonly #busyTimeoutMs: number;
  readonly #cleanupIntervalMs: number;
  readonly #cleanupBatchSize: number;
  readonly #revocationPollIntervalMs: number;
  readonly #watches = new Set<RevocationSubscription>();
  #db: SqliteDriver | undefined;
  #openedWith: SqliteDriverName | undefined;
  #statements: Statements | undefined;
  #opening: Promise<Statements> | undefined;
  #lastCleanup = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: SqliteStoreOptions = {}) {
    const prefix = options.tablePrefix ?? "latch_";
    if (!TABLE_PREFIX.test(prefix)) {
      throw new StoreError("sqlite", `tablePrefix must match ${TABLE_PREFIX} (letters, digits, '_'), got ${JSON.stringify(prefix)}`);
    }
    this.#path = options.path ?? "./latch.db";
    this.#driverName = options.driver;
    this.#appDatabase = options.database;
    this.#prefix = prefix;
    this.#busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.#cleanupBatchSize = cleanupBatchSize(this.name, options.cleanupBatchSize ?? SQLITE_CLEANUP_BATCH_SIZE);
    this.#revocationPollIntervalMs = revocationPollInterval(
      this.name,
      options.revocationPollIntervalMs,
      (message) => new StoreError("sqlite", message),
    );
  }

  /** The SQLite library the store opened its database with (undefined until it has, and still known after close()). */
  get driver(): SqliteDriverName | undefined {
    return this.#openedWith;
  }

  async createSession(record: SessionRecord): Promise<void> {
    await this.#run((statements) => {
      this.#cleanUpIfDue();
      this.#insert(statements, record);
    });
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    // IMMEDIATE takes the write lock before the insert: logins from other processes on this file wait their turn.
    return this.#run((statements, db) =>
      db.transaction(() => {
        this.#insert(statements, record);
        return this.#recorded(
          statements,
          handles(statements.revokePastCap.all(record.userId, record.sessionHandle, now, maxSessionsPerUser - 1)),
        );
      }),
    );
  }

  #insert(statements: Statements, record: SessionRecord): void {
    try {
      statements.insert.run(sessionRow(record));
    } catch (error) {
      if (sqliteCode(error) === "SQLITE_CONSTRAINT_PRIMARYKEY") {
        throw new StoreError(this.name, `a session with handle ${JSON.stringify(record.sessionHandle)} exists`, { cause: error });
      }
      throw error;
    }
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    return this.#run((statements) => {
      const row = statements.get.get(sessionHandle);
      return row && sessionFromRow(row);
    });
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    // One UPDATE with the expected hash in its WHERE: the compare and the set are one atomic step.
    return this.#run(
      (statements) =>
        statements.rotate.run(
          input.newRefreshTokenHash2,
          input.rotatedAt,
          input.newExpiresAt,
          input.sessionHandle,
          input.expectedRefreshTokenHash2,
        ).changes === 1,
    );
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    return this.#run((statements) => statements.updateData.run(JSON.stringify(data), sessionHandle).changes === 1);
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    return this.#run((statements) => statements.updatePayload.run(JSON.stringify(payload), sessionHandle).changes === 1);
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    if (sessionHandles.length === 0) return [];
    // The deletion and its revocation rows commit together (IMMEDIATE: the write lock first, like the cap).
    return this.#run((statements, db) =>
      db.transaction(() => this.#recorded(statements, handles(statements.revoke.all(JSON.stringify(sessionHandles))))),
    );
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    return this.#run((statements, db) =>
      db.transaction(() =>
        this.#recorded(
          statements,
          handles(
            query.tenantId === undefined
              ? statements.revokeUser.all(query.userId)
              : statements.revokeUserTenant.all(query.userId, query.tenantId),
          ),
        ),
      ),
    );
  }

  /** Records deleted sessions in the revocations table (inside the deleting transaction); returns them. */
  #recorded(statements: Statements, revoked: string[]): string[] {
    if (revoked.length > 0) statements.recordRevocations.run(Date.now(), JSON.stringify(revoked));
    return revoked;
  }

  /**
   * The revocation feed: polls the revocations table every `revocationPollIntervalMs`, so every
   * process on this file hears each revocation (its own included) within about that long.
   */
  async watchRevocations(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription> {
    const subscription = await pollRevocations(
      {
        readAfter: async (afterId, revokedAfter, limit) =>
          this.#run((statements) =>
            statements.revocationsAfter
              .all(afterId, revokedAfter, limit)
              .map((row): RevocationRow => ({ id: row.id, sessionHandle: row.session_handle, revokedAt: row.revoked_at })),
          ),
        maxId: async () => this.#run((statements) => statements.maxRevocationId.get()?.id ?? 0),
        pruneBatch: async (revokedAtOrBefore, limit) =>
          this.#run((statements) => statements.pruneRevocations.run(revokedAtOrBefore, limit).changes),
      },
      watcher,
      { ...options, intervalMs: this.#revocationPollIntervalMs },
    );
    this.#watches.add(subscription);
    return {
      close: async () => {
        this.#watches.delete(subscription);
        await subscription.close();
      },
    };
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    return this.#run((statements) =>
      handles(
        query.tenantId === undefined
          ? statements.listUser.all(query.userId, now)
          : statements.listUserTenant.all(query.userId, query.tenantId, now),
      ),
    );
  }

  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    const { createdAt, sessionHandle } = page.after;
    return this.#run((statements) => {
      const rows =
        query.tenantId === undefined
          ? statements.listPage.all(query.userId, now, createdAt, createdAt, sessionHandle, page.limit)
          : statements.listPageTenant.all(query.userId, query.tenantId, now, createdAt, createdAt, sessionHandle, page.limit);
      return rows.map(sessionFromRow);
    });
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return deleteInBatches((limit) => this.#run((statements) => statements.deleteExpired.run(now, limit).changes), this.#cleanupBatchSize);
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    return this.#run((statements) => statements.keys.all().map(signingKeyFromRow));
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    await this.#run((statements) => {
      statements.addKey.run(signingKeyRow(key));
    });
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.#run((statements) => {
      statements.removeKeys.run(JSON.stringify(kids));
    });
  }

  /** Closes the file if the store opened it (an app's `database` stays open). Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    this.#closed = true;
    // Revocation watches stop with the store: their timers would otherwise poll a closed file.
    await Promise.all([...this.#watches].map((watch) => watch.close()));
    this.#statements = undefined;
    const db = this.#db;
    this.#db = undefined;
    if (db && !this.#appDatabase && db.isOpen) db.close();
  }

  /**
   * Deletes expired sessions in the background, at most once per interval: the request that triggers
   * it does not wait for it, and a failure (the file busy, say) only means the next interval tries again.
   */
  #cleanUpIfDue(): void {
    const now = Date.now();
    if (this.#cleanupIntervalMs <= 0 || now - this.#lastCleanup < this.#cleanupIntervalMs) return;
    this.#lastCleanup = now;
    this.deleteExpiredSessions(now).catch(() => {});
  }

  /** Opens the database and brings its schema up to date the first time it is needed; concurrent first calls share one opening. */
  async #ready(): Promise<Statements> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    if (this.#statements) return this.#statements;
    // A failed opening is forgotten, so the next call tries again (the directory may exist by then).
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #open(): Promise<Statements> {
    const ownFile = !this.#appDatabase;
    const db = this.#appDatabase
      ? appDatabaseDriver(this.name, this.#appDatabase, this.#driverName)
      : await openDriver(this.name, { driver: this.#driverName, path: this.#path, busyTimeoutMs: this.#busyTimeoutMs });
    try {
      if (ownFile) {
        // WAL lets readers work while one writer commits; NORMAL sync is durable enough under WAL.
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
      }
      this.#migrate(db);
      const statements = prepareStatements(db, this.#prefix);
      // close() ran while the file was opening: it found nothing to close, so this does.
      if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
      this.#db = db;
      this.#openedWith = db.name;
      this.#statements = statements;
      return statements;
    } catch (error) {
      if (ownFile && db.isOpen) db.close();
      throw error;
    }
  }

  #migrate(db: SqliteDriver): void {
    const p = this.#prefix;
    const steps = migrations(p);
    // IMMEDIATE takes the write lock first, so two processes opening one new file migrate one after the other.
    db.transaction(() => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${p}schema_version (version INTEGER NOT NULL) STRICT`);
      const row = db.prepare<[], { version: number }>(`SELECT max(version) AS version FROM ${p}schema_version`).get();
      const current = row?.version ?? 0;
      if (current > steps.length) {
        throw new StoreError(this.name, `the database has schema version ${current}; this @latch/sqlite knows up to ${steps.length}`);
      }
      for (let version = current + 1; version <= steps.length; version++) {
        for (const sql of steps[version - 1] ?? []) db.exec(sql);
        db.prepare(`INSERT INTO ${p}schema_version (version) VALUES (?)`).run(version);
      }
    });
  }

  /** Runs driver calls on the open database and turns what they throw into Latch's typed store errors. */
  async #run<T>(operation: (statements: Statements, db: SqliteDriver) => T): Promise<T> {
    try {
      // Once open, the statements run without waiting a turn, as they did when opening was synchronous.
      const statements = this.#statements ?? (await this.#ready());
      return operation(statements, this.#db as SqliteDriver);
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    // Already typed (ours, or from a store call nested in this one): passed on as it is.
    if (isLatchError(error)) return error;
    const code = sqliteCode(error);
    // A connection closed by the app (for a `database` it passed) is unavailable, not a wrong call.
    const closed = isClosedConnectionError(error);
    if (closed || (code !== undefined && UNAVAILABLE_CODES.test(code))) return new StoreUnavailableError(this.name, { cause: error });
    return new StoreError(this.name, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function handles(rows: Array<{ session_handle: string }>): string[] {
  return rows.map((row) => row.session_handle);
}
