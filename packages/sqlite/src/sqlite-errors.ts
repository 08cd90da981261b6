/**
 * SQLite's primary result codes by number, for node:sqlite, whose errors carry the number
 * (`errcode`, possibly an extended code) where better-sqlite3's carry the name (`code`).
 */
const PRIMARY_CODES: Record<number, string> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

/** The extended codes the store tells apart (a duplicate session handle); the others read as their primary code. */
const EXTENDED_CODES: Record<number, string> = {
  1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
  2067: "SQLITE_CONSTRAINT_UNIQUE",
};

/**
 * The SQLite result code of a driver's error as better-sqlite3 names it (`SQLITE_BUSY`,
 * `SQLITE_CONSTRAINT_PRIMARYKEY`), from either driver; undefined for an error that is not SQLite's.
 * By shape, not `instanceof`: an app's database may come from its own copy of the library.
 */
export function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (error.name === "SqliteError" && typeof code === "string") return code;
  if (code === "ERR_SQLITE_ERROR" && typeof errcode === "number") {
    return EXTENDED_CODES[errcode] ?? PRIMARY_CODES[errcode & 0xff] ?? `SQLITE_${errcode}`;
  }
  return undefined;
}

/**
 * Whether the error says the connection is closed (the app closed the database it passed):
 * better-sqlite3 throws a TypeError, node:sqlite an ERR_INVALID_STATE error ("database is not open",
 * or "statement has been finalized" from a statement prepared before the close).
 */
export function isClosedConnectionError(error: unknown): boolean {
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) return true;
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === "ERR_INVALID_STATE" &&
    /database is not open|statement has been finalized/i.test(error.message)
  );
}
