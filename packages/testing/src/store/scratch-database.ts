// A database of a test's own on the shared PostgreSQL or MySQL/MariaDB server: created before the
// test, dropped after it. Example apps take only a LATCH_STORE URL (no table prefix), so before
// this they all shared the default tables of the server's `test` database, and whatever a previous
// run left there (a newer schema version from another branch, say) broke every later run on that
// machine. Only the servers' own clients are needed (psql, mysql), as for the Redis Cluster.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Scratch databases are named `latch_t_<creation time, base 36>_<random>`. */
const SCRATCH_NAME = /^latch_t_([0-9a-z]+)_[0-9a-f]{8}$/;
/** A scratch database older than this was left by a run that died before its cleanup: drop it. */
const ABANDONED_AFTER_MS = 6 * 60 * 60 * 1000;

export interface ScratchDatabase {
  /** The server URL with the scratch database's name as its path. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (closing any connection still open to it). Safe to call twice. */
  drop(): Promise<void>;
}

type Dialect = "postgres" | "mysql";

function dialectOf(url: URL): Dialect {
  if (url.protocol === "postgres:" || url.protocol === "postgresql:") return "postgres";
  if (url.protocol === "mysql:" || url.protocol === "mariadb:") return "mysql";
  throw new Error(`a scratch database needs a postgres:// or mysql:// URL, not ${url.protocol}`);
}

/** Runs one SQL statement as the URL's user on the URL's server and returns its output, one row a line. */
async function runSql(dialect: Dialect, server: URL, sql: string): Promise<string> {
  const host = server.hostname || "127.0.0.1";
  const user = decodeURIComponent(server.username) || (dialect === "postgres" ? "postgres" : "root");
  const password = decodeURIComponent(server.password);
  const database = server.pathname.slice(1) || (dialect === "postgres" ? "postgres" : "");
  // The password travels in the environment, never on a command line other users can read.
  const { stdout } =
    dialect === "postgres"
      ? await run(
          "psql",
          ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", server.port || "5432", "-U", user, "-d", database, "-c", sql],
          {
            env: { ...process.env, PGPASSWORD: password },
          },
        )
      : await run("mysql", ["-N", "-B", "-h", host, "-P", server.port || "3306", "-u", user, "-e", sql], {
          env: { ...process.env, MYSQL_PWD: password },
        });
  return stdout;
}

/** Drops scratch databases whose name says they are older than ABANDONED_AFTER_MS. */
async function dropAbandoned(dialect: Dialect, server: URL): Promise<void> {
  const list =
    dialect === "postgres"
      ? "SELECT datname FROM pg_database WHERE datname LIKE 'latch\\_t\\_%'"
      : "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'latch\\_t\\_%'";
  const names = (await runSql(dialect, server, list)).split("\n").map((line) => line.trim());
  for (const name of names) {
    const created = SCRATCH_NAME.exec(name)?.[1];
    if (created && Date.now() - Number.parseInt(created, 36) > ABANDONED_AFTER_MS) {
      await runSql(dialect, server, dropStatement(dialect, name)).catch(() => {});
    }
  }
}

function dropStatement(dialect: Dialect, name: string): string {
  return dialect === "postgres" ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`;
}

/**
 * Creates an empty database on the server `serverUrl` names (its own database is only where the
 * client connects to run CREATE DATABASE) and returns its URL, with the rest of `serverUrl` kept.
 */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const server = new URL(serverUrl);
  const dialect = dialectOf(server);
  await dropAbandoned(dialect, server);
  const name = `latch_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await runSql(dialect, server, `CREATE DATABASE ${name}`);
  const scratch = new URL(server);
  scratch.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: scratch.toString(),
    name,
    drop() {
      dropped ??= runSql(dialect, server, dropStatement(dialect, name)).then(() => {});
      return dropped;
    },
  };
}

/** Whether a LATCH_STORE URL names a SQL server a scratch database can be made on. */
export function takesScratchDatabase(storeUrl: string): boolean {
  return /^(postgres|postgresql|mysql|mariadb):\/\//.test(storeUrl);
}
