import { fileURLToPath } from "node:url";
import { type AdapterHarness, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/hono", import.meta.url));

export type Runtime = "node" | "bun" | "deno" | "workerd";

/**
 * apps/hono on one runtime, started the way `pnpm --filter @latch/example-hono start` does. Off
 * Node the example runs on the memory store (apps/hono/README.md), so the store-outage groups,
 * which need PostgreSQL, are skipped there.
 */
export function honoHarness(runtime: Runtime, extraEnv: Record<string, string> = {}): AdapterHarness {
  return {
    name: `hono on ${runtime}`,
    start: (env) =>
      // workerd (miniflare) and Deno take a few seconds to start on a busy machine.
      spawnApp({
        cwd: exampleApp,
        command: [process.execPath, "scripts/start.mjs"],
        env: { ...env, ...extraEnv, LATCH_RUNTIME: runtime },
        startTimeoutMs: 45_000,
      }),
    ...(runtime === "node" ? {} : { storeUrl: "memory:", noNetworkedStore: `the example runs on the memory store on ${runtime}` }),
  };
}
