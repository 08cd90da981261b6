import { randomBytes } from "node:crypto";
import { Client } from "pg";

/** The PostgreSQL the tests use (trust auth, database `test`, as .ci/ starts it). */
export const POSTGRES_URL = process.env.LATCH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs statements on a short-lived connection of its own (setup, inspection, cleanup, faults). */
export async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Answers when the service is up (the globalSetup probes with it once per run). */
export const probe = () => admin(async (client) => void (await client.query("SELECT 1")));

/** A table prefix no other test run uses, so parallel runs never collide. */
export function uniquePrefix(): string {
  return `latch_t${randomBytes(6).toString("hex")}_`;
}

export async function dropTables(prefix: string): Promise<void> {
  await admin((client) =>
    client.query(`DROP TABLE IF EXISTS ${prefix}sessions, ${prefix}signing_keys, ${prefix}revocations, ${prefix}schema_version`),
  );
}
