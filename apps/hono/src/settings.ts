import type { LatchConfig } from "@latch/core";
import { latchConfigFromEnv } from "@latch/example-config";

/** The runtimes `pnpm start` runs the example on (LATCH_RUNTIME). */
export type Runtime = "node" | "bun" | "deno" | "workerd";

/**
 * Latch's config off Node: the same LATCH_* variables, on the memory store. The SQL and Redis
 * store packages need Node's drivers (better-sqlite3, pg, mysql2, ioredis), which this example
 * does not load on Bun, Deno or workerd; naming one there is refused rather than ignored.
 */
export function memoryStoreConfig(runtime: Exclude<Runtime, "node">, env: Record<string, string | undefined>): Promise<LatchConfig> {
  const store = env.LATCH_STORE ?? "memory:";
  if (store !== "memory:" && store !== "memory") {
    throw new Error(`LATCH_STORE=${store}: on ${runtime} this example runs on the memory store only (LATCH_STORE=memory:)`);
  }
  return latchConfigFromEnv({ ...env, LATCH_STORE: "memory:" });
}
