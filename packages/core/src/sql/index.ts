// For authors of SQL stores (@latch/sqlite, @latch/postgres, @latch/mysql and third-party ones):
// the session table's columns and the one mapping between its rows and SessionRecord, so every
// SQL store stores the same columns the same way and a new column is added in one place.
import type { JSONObject, SessionRecord, SigningAlgorithm, SigningKeyRecord } from "../store/session-store";

export {
  DEFAULT_REVOCATION_POLL_INTERVAL_MS,
  pollRevocations,
  type RevocationPollOptions,
  type RevocationRow,
  type RevocationTable,
  revocationPollInterval,
} from "./revocation-poller";

/** Text as drivers return it: a string, or bytes for binary columns (MySQL VARBINARY). */
export type SqlText = string | Uint8Array;
/** An integer as drivers return it: a number, or a string / bigint for BIGINT columns (pg, mysql2). */
export type SqlInteger = number | string | bigint;

/** The session table's columns, in the order of `sessionRowValues`. */
export const SESSION_COLUMNS = [
  "session_handle",
  "user_id",
  "recipe_user_id",
  "tenant_id",
  "session_data",
  "access_token_payload",
  "refresh_token_hash2",
  "parent_refresh_token_hash2",
  "refresh_token_rotated_at",
  "refresh_token_rotation_key",
  "expires_at",
  "created_at",
  "user_agent",
  "ip",
] as const;

export type SessionColumn = (typeof SESSION_COLUMNS)[number];

/** A session row as written: JSON as text, times as epoch milliseconds. */
export interface SessionRowValues {
  session_handle: string;
  user_id: string;
  recipe_user_id: string;
  tenant_id: string;
  session_data: string;
  access_token_payload: string;
  refresh_token_hash2: string;
  parent_refresh_token_hash2: string | null;
  refresh_token_rotated_at: number | null;
  refresh_token_rotation_key: string;
  expires_at: number;
  created_at: number;
  user_agent: string | null;
  ip: string | null;
}

/** A session row as read back, in whatever representation the driver chose. */
export type SessionRow = {
  [column in SessionColumn]: SessionRowValues[column] extends number
    ? SqlInteger
    : SessionRowValues[column] extends number | null
      ? SqlInteger | null
      : SessionRowValues[column] extends string
        ? SqlText
        : SqlText | null;
};

/** The signing-key table's columns, in the order of `signingKeyRowValues`. */
export const SIGNING_KEY_COLUMNS = ["kid", "algorithm", "private_jwk", "public_jwk", "created_at"] as const;

/** A signing-key row as written. */
export interface SigningKeyRowValues {
  kid: string;
  algorithm: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
}

/** A signing-key row as read back. */
export interface SigningKeyRow {
  kid: SqlText;
  algorithm: SqlText;
  private_jwk: SqlText;
  public_jwk: SqlText;
  created_at: SqlInteger;
}

/**
 * SQLite's (and D1's) version 1 tables and indexes, for @latch/sqlite's first migration and
 * @latch/d1's schema. `ifNotExists` makes every statement safe to run again (D1 has no
 * transaction to check a version in). Frozen: a later schema version appends its own statements.
 */
export function sqliteSchemaV1(p: string, options: { ifNotExists: boolean }): string[] {
  const ine = options.ifNotExists ? "IF NOT EXISTS " : "";
  return [
    `CREATE TABLE ${ine}${p}sessions (
        session_handle TEXT NOT NULL PRIMARY KEY,
        user_id TEXT NOT NULL,
        recipe_user_id TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        session_data TEXT NOT NULL,
        access_token_payload TEXT NOT NULL,
        refresh_token_hash2 TEXT NOT NULL,
        parent_refresh_token_hash2 TEXT,
        refresh_token_rotated_at INTEGER,
        refresh_token_rotation_key TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT`,
    `CREATE INDEX ${ine}${p}sessions_user_tenant ON ${p}sessions (user_id, tenant_id)`,
    `CREATE INDEX ${ine}${p}sessions_expires_at ON ${p}sessions (expires_at)`,
    `CREATE TABLE ${ine}${p}signing_keys (
        kid TEXT NOT NULL PRIMARY KEY,
        algorithm TEXT NOT NULL,
        private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT`,
  ];
}

/** SQLite's (and D1's) version 2: the device columns. Rows from version 1 read them as null. */
export function sqliteSchemaV2(p: string): string[] {
  return [`ALTER TABLE ${p}sessions ADD COLUMN user_agent TEXT`, `ALTER TABLE ${p}sessions ADD COLUMN ip TEXT`];
}

/**
 * The session statements @latch/sqlite and @latch/d1 share, in SQLite's dialect with positional
 * parameters (the order each takes is in its comment).
 */
export function sqliteSessionQueries(p: string) {
  const page = "AND (created_at > ? OR (created_at = ? AND session_handle > ?)) ORDER BY created_at, session_handle LIMIT ?";
  return {
    /** userId, now, createdAt, createdAt, sessionHandle, limit */
    listPage: `SELECT * FROM ${p}sessions WHERE user_id = ? AND expires_at > ? ${page}`,
    /** userId, tenantId, now, createdAt, createdAt, sessionHandle, limit */
    listPageTenant: `SELECT * FROM ${p}sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ? ${page}`,
    /**
     * userId, the new session's handle, now, cap - 1: every live session of the user but the new
     * one, newest first, past the first (cap - 1), deleted.
     */
    revokePastCap: `DELETE FROM ${p}sessions WHERE session_handle IN (
        SELECT session_handle FROM ${p}sessions WHERE user_id = ? AND session_handle <> ? AND expires_at > ?
        ORDER BY created_at DESC, session_handle DESC LIMIT -1 OFFSET ?) RETURNING session_handle`,
    /**
     * now, limit: the rowids through the expires_at index, LIMIT rows at a time (a plain DELETE has
     * no LIMIT in SQLite builds without SQLITE_ENABLE_UPDATE_DELETE_LIMIT).
     */
    deleteExpiredBatch: `DELETE FROM ${p}sessions WHERE rowid IN (SELECT rowid FROM ${p}sessions WHERE expires_at <= ? LIMIT ?)`,
  };
}

/** The row for a session (named parameters: `@session_handle`, ...). */
export function sessionRow(record: SessionRecord): SessionRowValues {
  return {
    session_handle: record.sessionHandle,
    user_id: record.userId,
    recipe_user_id: record.recipeUserId,
    tenant_id: record.tenantId,
    session_data: JSON.stringify(record.sessionDataInDatabase),
    access_token_payload: JSON.stringify(record.accessTokenPayload),
    refresh_token_hash2: record.refreshTokenHash2,
    parent_refresh_token_hash2: record.parentRefreshTokenHash2,
    refresh_token_rotated_at: record.refreshTokenRotatedAt,
    refresh_token_rotation_key: record.refreshTokenRotationKey,
    expires_at: record.expiresAt,
    created_at: record.createdAt,
    user_agent: record.userAgent,
    ip: record.ip,
  };
}

/** The row for a session as positional parameters, in `SESSION_COLUMNS` order. */
export function sessionRowValues(record: SessionRecord): Array<string | number | null> {
  const row = sessionRow(record);
  return SESSION_COLUMNS.map((column) => row[column]);
}

/** The row for a signing key (named parameters: `@kid`, ...). */
export function signingKeyRow(key: SigningKeyRecord): SigningKeyRowValues {
  return { kid: key.kid, algorithm: key.algorithm, private_jwk: key.privateJwk, public_jwk: key.publicJwk, created_at: key.createdAt };
}

/** The row for a signing key as positional parameters, in `SIGNING_KEY_COLUMNS` order. */
export function signingKeyRowValues(key: SigningKeyRecord): Array<string | number> {
  const row = signingKeyRow(key);
  return SIGNING_KEY_COLUMNS.map((column) => row[column]);
}

const utf8 = new TextDecoder();

/** A text column's value as a string (binary columns come back as bytes). */
export function sqlText(value: SqlText): string {
  return typeof value === "string" ? value : utf8.decode(value);
}

/** An integer column's value as a number (epoch milliseconds fit a double exactly). */
export function sqlInteger(value: SqlInteger): number {
  return Number(value);
}

/** The session a row holds. */
export function sessionFromRow(row: SessionRow): SessionRecord {
  return {
    sessionHandle: sqlText(row.session_handle),
    userId: sqlText(row.user_id),
    recipeUserId: sqlText(row.recipe_user_id),
    tenantId: sqlText(row.tenant_id),
    sessionDataInDatabase: JSON.parse(sqlText(row.session_data)) as JSONObject,
    accessTokenPayload: JSON.parse(sqlText(row.access_token_payload)) as JSONObject,
    refreshTokenHash2: sqlText(row.refresh_token_hash2),
    parentRefreshTokenHash2: row.parent_refresh_token_hash2 === null ? null : sqlText(row.parent_refresh_token_hash2),
    refreshTokenRotatedAt: row.refresh_token_rotated_at === null ? null : sqlInteger(row.refresh_token_rotated_at),
    refreshTokenRotationKey: sqlText(row.refresh_token_rotation_key),
    expiresAt: sqlInteger(row.expires_at),
    createdAt: sqlInteger(row.created_at),
    userAgent: row.user_agent === null ? null : sqlText(row.user_agent),
    ip: row.ip === null ? null : sqlText(row.ip),
  };
}

/** The signing key a row holds. */
export function signingKeyFromRow(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: sqlText(row.kid),
    algorithm: sqlText(row.algorithm) as SigningAlgorithm,
    privateJwk: sqlText(row.private_jwk),
    publicJwk: sqlText(row.public_jwk),
    createdAt: sqlInteger(row.created_at),
  };
}
