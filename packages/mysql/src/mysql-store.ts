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
  revocationPollInterval,
  SESSION_COLUMNS,
  type SessionRow,
  SIGNING_KEY_COLUMNS,
  type SigningKeyRow,
  sessionFromRow,
  sessionRowValues,
  signingKeyFromRow,
  signingKeyRowValues,
  sqlText,
} from "@latch/core/sql";
import { createPool, type Pool, type PoolConnection, type PoolOptions, type ResultSetHeader, type RowDataPacket } from "mysql2/promise";

export interface MysqlStoreOptions {
  /** The app's `mysql2/promise` pool. Latch runs its queries on it and never ends it. */
  pool?: Pool;
  /** Or a URI (`mysql://user:password@host:3306/db`): Latch opens a pool of its own and ends it on `close()`. */
  uri?: string;
  /** More settings for the pool Latch opens (ignored with `pool`). */
  poolOptions?: PoolOptions;
  /** Prefix of every table Latch creates (default `latch_`): `latch_sessions`, `latch_signing_keys`, `latch_schema_version`. */
  tablePrefix?: string;
  /** Expired sessions are deleted in the background of a `createSession` at most this often, in ms (default 60 000; 0 turns it off). */
  cleanupIntervalMs?: number;
  /** Expired sessions deleted per statement (default 1000): the cleanup runs batch after batch, each a short transaction. */
  cleanupBatchSize?: number;
  /**
   * How often a revocation-feed watch (fleet revocation in core) reads the revocations table, in ms
   * (default 250): the delay before other servers refuse a revoked session.
   */
  revocationPollIntervalMs?: number;
}

// mysql2 hands VARBINARY columns back as Buffers and BIGINT as numbers or strings: @latch/core/sql's row types allow both.
type MysqlSessionRow = SessionRow & RowDataPacket;
type MysqlSigningKeyRow = SigningKeyRow & RowDataPacket;

interface HandleRow extends RowDataPacket {
  session_handle: Buffer | string;
}

interface RevocationRowPacket extends RowDataPacket {
  id: number | string;
  session_handle: Buffer | string;
  revoked_at: number | string;
}

const TABLE_PREFIX = /^[a-z_][a-z0-9_]{0,32}$/;

/**
 * Schema versions in order; version N is `migrations(p)[N - 1]`. Never edit one that has shipped: append.
 * MySQL cannot roll DDL back, so each step must be safe to run again (IF NOT EXISTS).
 * Identifiers are VARBINARY: every text collation of MySQL 8 and MariaDB either ignores case or
 * trailing spaces ("alice" = "alice "), and a user id must match byte for byte. JSON is LONGTEXT,
 * not MySQL's JSON type, which reorders keys (MariaDB's JSON is LONGTEXT already).
 */
function migrations(p: string): string[][] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${p}sessions (
        session_handle VARBINARY(512) NOT NULL,
        user_id VARBINARY(2048) NOT NULL,
        recipe_user_id VARBINARY(2048) NOT NULL,
        tenant_id VARBINARY(256) NOT NULL,
        session_data LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        access_token_payload LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        refresh_token_hash2 VARBINARY(255) NOT NULL,
        parent_refresh_token_hash2 VARBINARY(255) NULL,
        refresh_token_rotated_at BIGINT NULL,
        refresh_token_rotation_key VARBINARY(255) NOT NULL,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (session_handle),
        KEY ${p}sessions_user_tenant (user_id, tenant_id),
        KEY ${p}sessions_expires_at (expires_at)
      ) ENGINE=InnoDB`,
      `CREATE TABLE IF NOT EXISTS ${p}signing_keys (
        kid VARBINARY(512) NOT NULL,
        algorithm VARCHAR(16) NOT NULL,
        private_jwk LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        public_jwk LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (kid)
      ) ENGINE=InnoDB`,
    ],
    // 2: device details (user agent, IP address at login); rows from version 1 have neither.
    // IF NOT EXISTS (MariaDB) is not MySQL 8 syntax, so each column is added only when information_schema lacks it.
    [...addColumnIfMissing(p, "user_agent", "VARBINARY(2048) NULL"), ...addColumnIfMissing(p, "ip", "VARBINARY(64) NULL")],
    // 3: the revocations table, written in the deleting transaction and polled by every server
    // (fleet revocation). The AUTO_INCREMENT counter survives restarts on MySQL 8 and MariaDB 10.6.
    [
      `CREATE TABLE IF NOT EXISTS ${p}revocations (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        session_handle VARBINARY(512) NOT NULL,
        revoked_at BIGINT NOT NULL,
        PRIMARY KEY (id),
        KEY ${p}revocations_revoked_at (revoked_at)
      ) ENGINE=InnoDB`,
    ],
  ];
}

/**
 * An idempotent ADD COLUMN (a failed migration runs again, and MySQL cannot roll DDL back), as
 * statements for one connection.
 */
function addColumnIfMissing(p: string, column: string, type: string): string[] {
  return [
    `SET @latch_ddl = IF(
      (SELECT COUNT(*) FROM information_schema.columns
        WHERE table_schema = DATABASE() AND table_name = '${p}sessions' AND column_name = '${column}') = 0,
      'ALTER TABLE ${p}sessions ADD COLUMN ${column} ${type}', 'SELECT 1')`,
    "PREPARE latch_ddl FROM @latch_ddl",
    "EXECUTE latch_ddl",
    "DEALLOCATE PREPARE latch_ddl",
  ];
}

/** Driver and server codes that mean "the database cannot be used right now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "ER_QUERY_INTERRUPTED",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_OPTION_PREVENTS_STATEMENT",
  "ER_SERVER_IS_IN_SECURE_AUTH_MODE",
]);
const UNAVAILABLE_MESSAGE = /Pool is closed|closed state|Connection lost|connect ETIMEDOUT|Too many connections/i;
/** Deadlocks are resolved by InnoDB rolling one transaction back; running it again is the documented fix. */
const DEADLOCK_RETRIES = 3;

/**
 * Sessions and signing keys in MySQL 8 or MariaDB 10.6+ (mysql2). Tables are created by `migrate()`,
 * which also runs by itself before the first query; a version table and a named lock (GET_LOCK) let
 * several app instances start at once.
 */
export class MysqlStore implements SessionStore {
  readonly name = "mysql";
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #p: string;
  readonly #cleanupIntervalMs: number;
  readonly #cleanupBatchSize: number;
  readonly #revocationPollIntervalMs: number;
  readonly #watches = new Set<RevocationSubscription>();
  #migration: Promise<void> | undefined;
  #lastCleanup = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: MysqlStoreOptions) {
    const prefix = options.tablePrefix ?? "latch_";
    if (!TABLE_PREFIX.test(prefix)) {
      throw new StoreError(
        "mysql",
        `tablePrefix must match ${TABLE_PREFIX} (lower-case letters, digits, '_'), got ${JSON.stringify(prefix)}`,
      );
    }
    if (options.pool) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else if (options.uri || options.poolOptions) {
      this.#pool = createPool({
        connectTimeout: 5_000,
        // utf8mb4: 4-byte characters (emoji) intact on the wire.
        charset: "UTF8MB4_UNICODE_CI",
        ...options.poolOptions,
        ...(options.uri ? { uri: options.uri } : {}),
      });
      this.#ownsPool = true;
    } else {
      throw new StoreError("mysql", "pass either `pool` or `uri`");
    }
    this.#p = prefix;
    this.#cleanupIntervalMs = options.cleanupIntervalMs ?? 60_000;
    this.#cleanupBatchSize = cleanupBatchSize(this.name, options.cleanupBatchSize);
    this.#revocationPollIntervalMs = revocationPollInterval(
      this.name,
      options.revocationPollIntervalMs,
      (message) => new StoreError("mysql", message),
    );
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
    await this.#insert(record, (sql, values) => this.#execute(sql, values));
  }

  async createSessionWithinCap(record: SessionRecord, maxSessionsPerUser: number, now: number): Promise<string[]> {
    this.#cleanUpIfDue();
    // Logins of one user queue on a named lock (a row lock would not cover a user with no rows yet);
    // the transaction starts after it, so its reads see every session the logins before it committed.
    const lock = { sql: `CONCAT('latch-cap:', SHA1(CONCAT(?, ':', ?)))`, values: [this.#p, record.userId] };
    return this.#transaction(async (connection) => {
      await this.#insert(record, (sql, values) => connection.execute(sql, values as never[]));
      const [rows] = await connection.query<HandleRow[]>(
        `SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND session_handle <> ? AND expires_at > ?
          ORDER BY created_at DESC, session_handle DESC LIMIT 18446744073709551615 OFFSET ? FOR UPDATE`,
        [record.userId, record.sessionHandle, now, maxSessionsPerUser - 1],
      );
      return this.#deleteHandles(connection, rows);
    }, lock);
  }

  async #insert(record: SessionRecord, run: (sql: string, values: unknown[]) => Promise<unknown>): Promise<void> {
    try {
      await run(
        `INSERT INTO ${this.#p}sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map(() => "?").join(", ")})`,
        sessionRowValues(record),
      );
    } catch (error) {
      const cause = error instanceof StoreError ? error.cause : error;
      if (driverCode(cause) === "ER_DUP_ENTRY") {
        throw new StoreError(this.name, `a session with handle ${JSON.stringify(record.sessionHandle)} exists`, { cause });
      }
      throw error;
    }
  }

  async getSession(sessionHandle: string): Promise<SessionRecord | undefined> {
    const rows = await this.#execute<MysqlSessionRow[]>(`SELECT * FROM ${this.#p}sessions WHERE session_handle = ?`, [sessionHandle]);
    return rows[0] && sessionFromRow(rows[0]);
  }

  async rotateRefreshToken(input: RotateRefreshTokenInput): Promise<boolean> {
    // One UPDATE with the expected hash in its WHERE (compare and set). MySQL assigns left to right,
    // so the parent takes the old current hash before the current one is replaced.
    const result = await this.#execute<ResultSetHeader>(
      `UPDATE ${this.#p}sessions SET parent_refresh_token_hash2 = refresh_token_hash2, refresh_token_hash2 = ?,
        refresh_token_rotated_at = ?, expires_at = ? WHERE session_handle = ? AND refresh_token_hash2 = ?`,
      [input.newRefreshTokenHash2, input.rotatedAt, input.newExpiresAt, input.sessionHandle, input.expectedRefreshTokenHash2],
    );
    return result.affectedRows === 1;
  }

  async updateSessionData(sessionHandle: string, data: JSONObject): Promise<boolean> {
    return this.#updateColumn("session_data", sessionHandle, JSON.stringify(data));
  }

  async updateAccessTokenPayload(sessionHandle: string, payload: JSONObject): Promise<boolean> {
    return this.#updateColumn("access_token_payload", sessionHandle, JSON.stringify(payload));
  }

  async revokeSessions(sessionHandles: readonly string[]): Promise<string[]> {
    if (sessionHandles.length === 0) return [];
    // MySQL has no DELETE ... RETURNING: lock and read the rows, delete them, commit, as one transaction.
    return this.#transaction(async (connection) => {
      const [rows] = await connection.query<HandleRow[]>(
        `SELECT session_handle FROM ${this.#p}sessions WHERE session_handle IN (?) FOR UPDATE`,
        [[...sessionHandles]],
      );
      return this.#deleteHandles(connection, rows);
    });
  }

  async revokeSessionsForUser(query: UserSessionsQuery): Promise<string[]> {
    return this.#transaction(async (connection) => {
      const [rows] =
        query.tenantId === undefined
          ? await connection.execute<HandleRow[]>(`SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? FOR UPDATE`, [
              query.userId,
            ])
          : await connection.execute<HandleRow[]>(
              `SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND tenant_id = ? FOR UPDATE`,
              [query.userId, query.tenantId],
            );
      return this.#deleteHandles(connection, rows);
    });
  }

  async listSessionHandlesForUser(query: UserSessionsQuery, now: number): Promise<string[]> {
    const rows =
      query.tenantId === undefined
        ? await this.#execute<HandleRow[]>(`SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND expires_at > ?`, [
            query.userId,
            now,
          ])
        : await this.#execute<HandleRow[]>(
            `SELECT session_handle FROM ${this.#p}sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ?`,
            [query.userId, query.tenantId, now],
          );
    return rows.map((row) => sqlText(row.session_handle));
  }

  async listSessionsForUser(query: UserSessionsQuery, now: number, page: SessionPageQuery): Promise<SessionRecord[]> {
    const { createdAt, sessionHandle } = page.after;
    const tenant = query.tenantId === undefined ? "" : "AND tenant_id = ?";
    const rows = await this.#execute<MysqlSessionRow[]>(
      `SELECT * FROM ${this.#p}sessions WHERE user_id = ? AND expires_at > ? ${tenant}
        AND (created_at > ? OR (created_at = ? AND session_handle > ?)) ORDER BY created_at, session_handle LIMIT ?`,
      [
        query.userId,
        now,
        ...(query.tenantId === undefined ? [] : [query.tenantId]),
        createdAt,
        createdAt,
        sessionHandle,
        String(page.limit),
      ],
    );
    return rows.map(sessionFromRow);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    // Batch after batch, each one short statement (row locks held for a thousand rows at a time). The
    // LIMIT is written into the SQL, a checked integer: MySQL 8.0.22+ refuses some parameter types there.
    const sql = `DELETE FROM ${this.#p}sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ${this.#cleanupBatchSize}`;
    return deleteInBatches(async () => (await this.#execute<ResultSetHeader>(sql, [now])).affectedRows, this.#cleanupBatchSize);
  }

  async getSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await this.#execute<MysqlSigningKeyRow[]>(`SELECT * FROM ${this.#p}signing_keys`, []);
    return rows.map(signingKeyFromRow);
  }

  async addSigningKey(key: SigningKeyRecord): Promise<void> {
    // Not INSERT IGNORE: that would also turn real errors (truncation) into warnings.
    await this.#execute(
      `INSERT INTO ${this.#p}signing_keys (${SIGNING_KEY_COLUMNS.join(", ")}) VALUES (${SIGNING_KEY_COLUMNS.map(() => "?").join(", ")})
       ON DUPLICATE KEY UPDATE kid = kid`,
      signingKeyRowValues(key),
    );
  }

  async removeSigningKeys(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.migrate();
    await this.#attempt(() => this.#pool.query(`DELETE FROM ${this.#p}signing_keys WHERE kid IN (?)`, [[...kids]]));
  }

  /** Ends the pool if Latch opened it (an app's `pool` stays open). Later calls reject with StoreUnavailableError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Revocation watches stop with the store: their timers would otherwise poll an ended pool.
    await Promise.all([...this.#watches].map((watch) => watch.close()));
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

  async #updateColumn(column: "session_data" | "access_token_payload", sessionHandle: string, json: string): Promise<boolean> {
    // affectedRows counts matched rows (mysql2 connects with FOUND_ROWS), so unchanged data still says true.
    const result = await this.#execute<ResultSetHeader>(`UPDATE ${this.#p}sessions SET ${column} = ? WHERE session_handle = ?`, [
      json,
      sessionHandle,
    ]);
    return result.affectedRows === 1;
  }

  async #deleteHandles(connection: PoolConnection, rows: HandleRow[]): Promise<string[]> {
    const handles = rows.map((row) => sqlText(row.session_handle));
    if (handles.length === 0) return handles;
    await connection.query(`DELETE FROM ${this.#p}sessions WHERE session_handle IN (?)`, [handles]);
    // In the deleting transaction: the revocation is announced exactly when the deletion commits.
    const revokedAt = Date.now();
    await connection.query(`INSERT INTO ${this.#p}revocations (session_handle, revoked_at) VALUES ?`, [
      handles.map((handle) => [handle, revokedAt]),
    ]);
    return handles;
  }

  /**
   * The revocation feed: polls the revocations table every `revocationPollIntervalMs`, so every
   * server on this database hears each revocation (its own included) within about that long.
   */
  async watchRevocations(watcher: RevocationWatcher, options: WatchRevocationsOptions): Promise<RevocationSubscription> {
    const p = this.#p;
    const subscription = await pollRevocations(
      {
        readAfter: async (afterId, revokedAfter, limit) => {
          const rows = await this.#execute<RevocationRowPacket[]>(
            `SELECT id, session_handle, revoked_at FROM ${p}revocations WHERE id > ? AND revoked_at > ? ORDER BY id LIMIT ${Math.trunc(limit)}`,
            [afterId, revokedAfter],
          );
          return rows.map((row) => ({ id: Number(row.id), sessionHandle: sqlText(row.session_handle), revokedAt: Number(row.revoked_at) }));
        },
        maxId: async () => {
          const rows = await this.#execute<RowDataPacket[]>(`SELECT COALESCE(MAX(id), 0) AS id FROM ${p}revocations`, []);
          return Number(rows[0]?.id ?? 0);
        },
        pruneBatch: async (revokedAtOrBefore, limit) =>
          (
            await this.#execute<ResultSetHeader>(
              `DELETE FROM ${p}revocations WHERE revoked_at <= ? ORDER BY revoked_at LIMIT ${Math.trunc(limit)}`,
              [revokedAtOrBefore],
            )
          ).affectedRows,
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

  async #runMigrations(): Promise<void> {
    const p = this.#p;
    const steps = migrations(p);
    const connection = await this.#pool.getConnection();
    const lockName = `latch-migrate:${p}`;
    try {
      // One migrator per database and prefix at a time (MySQL DDL cannot run inside a transaction).
      const [locked] = await connection.query<RowDataPacket[]>("SELECT GET_LOCK(?, 30) AS locked", [lockName]);
      if (locked[0]?.locked !== 1)
        throw new StoreUnavailableError(this.name, { cause: new Error("timed out waiting for the migration lock") });
      try {
        await connection.query(`CREATE TABLE IF NOT EXISTS ${p}schema_version (version INT NOT NULL) ENGINE=InnoDB`);
        const [rows] = await connection.query<RowDataPacket[]>(`SELECT MAX(version) AS version FROM ${p}schema_version`);
        const current = Number(rows[0]?.version ?? 0);
        if (current > steps.length) {
          throw new StoreError(this.name, `the database has schema version ${current}; this @latch/mysql knows up to ${steps.length}`);
        }
        for (let version = current + 1; version <= steps.length; version++) {
          for (const sql of steps[version - 1] ?? []) await connection.query(sql);
          await connection.query(`INSERT INTO ${p}schema_version (version) VALUES (?)`, [version]);
        }
      } finally {
        await connection.query("SELECT RELEASE_LOCK(?)", [lockName]);
      }
      connection.release();
    } catch (error) {
      // The connection may be broken (or still hold the lock): never hand it to the next caller.
      connection.destroy();
      throw error;
    }
  }

  /** One statement as a server-side prepared statement (mysql2 caches it per connection), after the migration. */
  async #execute<T extends RowDataPacket[] | ResultSetHeader>(sql: string, values: unknown[]): Promise<T> {
    await this.migrate();
    const [result] = await this.#attempt(() => this.#pool.execute<T>(sql, values as never[]));
    return result;
  }

  /**
   * BEGIN ... COMMIT on one connection; rolled back on failure, run again after a deadlock. With
   * `lock` (an SQL expression naming it), the connection holds that GET_LOCK around the transaction.
   */
  async #transaction<T>(work: (connection: PoolConnection) => Promise<T>, lock?: { sql: string; values: unknown[] }): Promise<T> {
    await this.migrate();
    return this.#attempt(async () => {
      const connection = await this.#pool.getConnection();
      try {
        if (lock) {
          const [locked] = await connection.query<RowDataPacket[]>(`SELECT GET_LOCK(${lock.sql}, 10) AS locked`, lock.values);
          if (locked[0]?.locked !== 1) throw new StoreUnavailableError(this.name, { cause: new Error("timed out waiting for a lock") });
        }
        await connection.beginTransaction();
        const result = await work(connection);
        await connection.commit();
        if (lock) await connection.query(`DO RELEASE_LOCK(${lock.sql})`, lock.values);
        connection.release();
        return result;
      } catch (error) {
        try {
          await connection.rollback();
          if (lock) await connection.query(`DO RELEASE_LOCK(${lock.sql})`, lock.values);
          connection.release();
        } catch {
          // The connection is gone (that is usually why we are here): drop it from the pool.
          connection.destroy();
        }
        throw error;
      }
    });
  }

  /** Runs a driver call, again after a deadlock, and turns what it throws into Latch's typed store errors. */
  async #attempt<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreUnavailableError(this.name, { cause: new Error("the store was closed") });
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        if (driverCode(error) === "ER_LOCK_DEADLOCK" && attempt < DEADLOCK_RETRIES) continue;
        throw this.#translate(error);
      }
    }
  }

  #translate(error: unknown): Error {
    // Already typed (ours, or from a store call nested in this one): passed on as it is.
    if (isLatchError(error)) return error;
    const code = driverCode(error) ?? "";
    const message = error instanceof Error ? error.message : String(error);
    const fatal = typeof error === "object" && error !== null && "fatal" in error && error.fatal === true;
    const sqlState = typeof error === "object" && error !== null && "sqlState" in error ? String(error.sqlState) : "";
    if (this.#closed || fatal || UNAVAILABLE_CODES.has(code) || sqlState.startsWith("08") || UNAVAILABLE_MESSAGE.test(message)) {
      return new StoreUnavailableError(this.name, { cause: error });
    }
    return new StoreError(this.name, message, { cause: error });
  }
}

function driverCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** VARBINARY columns arrive as Buffers. */
