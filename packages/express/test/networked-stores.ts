import { isListening } from "@latch/testing/adapter";
import { createScratchDatabase, takesScratchDatabase } from "@latch/testing/store";

/** The networked stores of this project's machines (issue 6), overridable for other setups. */
export const networkedStores = [
  { name: "postgres", url: process.env.LATCH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test", port: 5432 },
  { name: "mysql", url: process.env.LATCH_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test", port: 3306 },
  { name: "redis", url: process.env.LATCH_TEST_REDIS_URL ?? "redis://127.0.0.1:6379", port: 6379 },
];

/**
 * Whether a store's tests run: always under CI=true (an unreachable service then fails the
 * tests); elsewhere only when the service listens, with a loud line when it does not.
 */
export async function storeTestsRun(store: { name: string; port: number }, what: string): Promise<boolean> {
  if (process.env.CI === "true" || (await isListening({ host: "127.0.0.1", port: store.port }))) return true;
  console.warn(`\u26a0\ufe0f  SKIPPING ${what} on ${store.name}: nothing listens on 127.0.0.1:${store.port} (CI=true makes this fail)`);
  return false;
}

/**
 * The store URL a test starts example apps on: on PostgreSQL and MySQL a database of the test's own
 * (the apps take no table prefix, and the shared `test` database may hold another run's tables),
 * dropped by `release`; other stores as they are.
 */
export async function storeOfItsOwn(url: string): Promise<{ url: string; release: () => Promise<void> }> {
  if (!takesScratchDatabase(url)) return { url, release: async () => {} };
  const scratch = await createScratchDatabase(url);
  return { url: scratch.url, release: () => scratch.drop() };
}
