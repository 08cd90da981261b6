import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis the tests use (as .ci/ starts it). */
export const REDIS_URL = process.env.LATCH_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Runs commands on a short-lived connection of its own (inspection, cleanup, faults). */
export async function admin<T>(work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    client.disconnect();
  }
}

/** Answers when the service is up (the globalSetup probes with it once per run). */
export const probe = () => admin(async (client) => void (await client.ping()));

/** A key prefix no other test run uses, so parallel runs never collide. */
export function uniquePrefix(): string {
  return `latch-test:${randomBytes(6).toString("hex")}:`;
}

export async function keysWithPrefix(prefix: string): Promise<string[]> {
  return admin(async (client) => {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    return keys.sort();
  });
}

export async function deleteKeys(prefix: string): Promise<void> {
  const keys = await keysWithPrefix(prefix);
  if (keys.length > 0) await admin((client) => client.del(...keys));
}
