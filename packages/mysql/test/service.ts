import { randomBytes } from "node:crypto";
import { type Connection, createConnection } from "mysql2/promise";

/** The MySQL or MariaDB the tests use (root without a password, database `test`, as .ci/ starts it). */
export const MYSQL_URL = process.env.LATCH_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Runs statements on a short-lived connection of its own (setup, inspection, cleanup, faults). */
export async function admin<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/** Answers when the service is up (the globalSetup probes with it once per run). */
export const probe = () => admin(async (connection) => void (await connection.query("SELECT 1")));

/** A table prefix no other test run uses, so parallel runs never collide. */
export function uniquePrefix(): string {
  return `latch_t${randomBytes(6).toString("hex")}_`;
}

export async function dropTables(prefix: string): Promise<void> {
  await admin((connection) =>
    connection.query(`DROP TABLE IF EXISTS ${prefix}sessions, ${prefix}signing_keys, ${prefix}schema_version, ${prefix}revocations`),
  );
}
