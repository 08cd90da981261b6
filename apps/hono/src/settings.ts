import type { LatchConfig, SessionStore } from "@latch/core";
import { latchConfigFromEnv } from "@latch/example-config";

/** The runtimes `pnpm start` runs the example on (LATCH_RUNTIME). */
export type Runtime = "node" | "bun" | "deno" | "workerd";

/**
 * Latch's config off Node: the same LATCH_* variables, on the memory store or, on workerd, a store
 * the Worker makes from its bindings (`d1:<BINDING>`). The SQL and Redis store packages need Node's
 * drivers (better-sqlite3, pg, mysql2, ioredis), which this example does not load on Bun, Deno or
 * workerd; naming one there is refused rather than ignored.
 */
export async function edgeConfig(
  runtime: Exclude<Runtime, "node">,
  env: Record<string, string | undefined>,
  stores: Record<string, (url: string) => SessionStore> = {},
): Promise<LatchConfig> {
  const url = env.LATCH_STORE ?? "memory:";
  const scheme = url.slice(0, url.indexOf(":"));
  const open = stores[scheme];
  if (url !== "memory:" && url !== "memory" && !open) {
    const supported = ["memory:", ...Object.keys(stores).map((name) => `${name}:`)].join(", ");
    throw new Error(`LATCH_STORE=${url}: on ${runtime} this example runs on ${supported} only`);
  }
  const config = await latchConfigFromEnv({ ...env, LATCH_STORE: "memory:" });
  return open ? { ...config, store: open(url) } : config;
}
