import { StoreError, StoreUnavailableError } from "@latch/core";
import type { BetterSqlite3Database, SqliteDriver, SqliteStatement } from "./driver";

/** What the store calls on a better-sqlite3 `Database` (its types stay out of this package's API). */
interface BetterSqlite3Connection {
  readonly open: boolean;
  prepare(source: string): SqliteStatement<unknown[], unknown>;
  exec(source: string): unknown;
  transaction<T>(fn: () => T): { immediate(): T };
  close(): unknown;
}

type BetterSqlite3Constructor = new (path: string, options: { timeout: number }) => BetterSqlite3Connection;

/** The driver over an open better-sqlite3 database (the store's own or an app's). */
export function betterSqlite3Driver(database: BetterSqlite3Database): SqliteDriver {
  const db = database as unknown as BetterSqlite3Connection;
  return {
    name: "better-sqlite3",
    get isOpen() {
      return db.open;
    },
    prepare: <Params extends unknown[], Row>(sql: string) => db.prepare(sql) as SqliteStatement<Params, Row>,
    exec: (sql) => void db.exec(sql),
    transaction: (body) => db.transaction(body).immediate(),
    close: () => void db.close(),
  };
}

/**
 * better-sqlite3, loaded on first use: it is an optional dependency (it compiles from source where
 * no prebuilt binary downloads), so it may not be installed. Undefined when it is not.
 */
async function loadBetterSqlite3(): Promise<BetterSqlite3Constructor | undefined> {
  try {
    const module = (await import("better-sqlite3")) as unknown as { default: BetterSqlite3Constructor };
    return module.default;
  } catch (error) {
    if (isNotInstalled(error)) return undefined;
    throw error;
  }
}

/** ESM says "Cannot find package 'x'", CommonJS "Cannot find module 'x'". */
function isNotInstalled(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error instanceof Error &&
    /Cannot find (package|module) 'better-sqlite3'/.test(error.message)
  );
}

/**
 * Opens a file with better-sqlite3, or returns undefined when better-sqlite3 is not installed (the
 * caller knows which fix to name). A native module that cannot load fails with the fix.
 */
export async function openBetterSqlite3(store: string, path: string, busyTimeoutMs: number): Promise<SqliteDriver | undefined> {
  const Database = await loadBetterSqlite3();
  if (!Database) return undefined;
  let db: BetterSqlite3Connection;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    // A native module that cannot load will never work: say how to fix it. Anything else (the
    // directory does not exist or is not writable; better-sqlite3 throws a TypeError for some) may pass.
    throw unloadableDriverError(store, error) ?? new StoreUnavailableError(store, { cause: error });
  }
  return betterSqlite3Driver(db as unknown as BetterSqlite3Database);
}

/**
 * better-sqlite3 loads its native module when the first database opens. When that fails (built for
 * another Node.js, never built, or built for another system), no retry helps: the error names the fix.
 */
export function unloadableDriverError(store: string, error: unknown): StoreError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const runtime = (globalThis as { process?: { version?: string } }).process?.version ?? "this runtime";
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?requires\s+NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi) {
    return new StoreError(
      store,
      `better-sqlite3 was built for another Node.js (NODE_MODULE_VERSION ${abi[1]}; Node.js ${runtime} needs ${abi[2]}): ` +
        "run `npm rebuild better-sqlite3` (or `pnpm rebuild better-sqlite3`) with the Node.js that runs the app",
      { cause: error },
    );
  }
  if (/Could not locate the bindings file/.test(message)) {
    return new StoreError(
      store,
      "better-sqlite3's native module was never built (its install script was skipped or failed): run `npm rebuild better-sqlite3`; " +
        "building from source needs Python, a C++ compiler and Node.js headers",
      { cause: error },
    );
  }
  if (code === "ERR_DLOPEN_FAILED") {
    return new StoreError(
      store,
      `better-sqlite3's native module cannot be loaded here (${message.split("\n")[0]}): run \`npm rebuild better-sqlite3\` on this machine`,
      { cause: error },
    );
  }
  return undefined;
}
