/** The two SQLite libraries the store runs on. */
export type SqliteDriverName = "node:sqlite" | "better-sqlite3";

/** One prepared statement: what the store calls on it, the same for both drivers. */
export interface SqliteStatement<Params extends unknown[], Row> {
  run(...params: Params): { changes: number };
  get(...params: Params): Row | undefined;
  all(...params: Params): Row[];
}

/**
 * One open database, whichever library opened it. The store uses nothing else, so a driver is
 * these few calls and nothing the store could come to depend on by accident.
 */
export interface SqliteDriver {
  readonly name: SqliteDriverName;
  /** False once the connection is closed, by the store or (for an app's database) by the app. */
  readonly isOpen: boolean;
  prepare<Params extends unknown[] = unknown[], Row = unknown>(sql: string): SqliteStatement<Params, Row>;
  exec(sql: string): void;
  /** Runs `body` in `BEGIN IMMEDIATE … COMMIT` (the write lock first), rolled back when it throws. */
  transaction<T>(body: () => T): T;
  close(): void;
}

/**
 * A better-sqlite3 `Database`, described by the members the store relies on rather than imported
 * from @types/better-sqlite3, so an app on node:sqlite type-checks without those types installed.
 */
export interface BetterSqlite3Database {
  readonly open: boolean;
  prepare(source: string): unknown;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
  close(): unknown;
}

/**
 * A node:sqlite `DatabaseSync`, described by shape: the @types/node of a Node.js 20 project has no
 * `node:sqlite`, and an app's types must not need a newer one to use this package.
 */
export interface NodeSqliteDatabase {
  prepare(sql: string): unknown;
  exec(sql: string): unknown;
  close(): unknown;
}
