import { fileURLToPath } from "node:url";
import { type AdapterHarness, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/hono", import.meta.url));

export type Runtime = "node" | "bun" | "deno" | "workerd";

/** Where the store lives on each runtime: Node's default (a SQLite file per group), else the ones the example runs on there. */
function storeOptions(runtime: Runtime): Pick<AdapterHarness, "storeUrl" | "noNetworkedStore"> {
  if (runtime === "node") return {};
  const reason = `the example runs on memory: (or D1 on workerd) on ${runtime}`;
  // On workerd: miniflare's local D1 (the app binds d1:DB), kept in a folder so a restart keeps the sessions.
  return { storeUrl: runtime === "workerd" ? "d1:DB" : "memory:", noNetworkedStore: reason };
}

/**
 * apps/hono on one runtime, started the way `pnpm --filter @latch/example-hono start` does. Off
 * Node the example runs on the memory store, or D1 on workerd (apps/hono/README.md), so the
 * store-outage groups, which need PostgreSQL, are skipped there.
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
    ...storeOptions(runtime),
  };
}
