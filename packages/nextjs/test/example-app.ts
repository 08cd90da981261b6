import { fileURLToPath } from "node:url";
import { spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/nextjs", import.meta.url));

/**
 * The Next.js example (apps/nextjs) served by `next start`, as users run it. It must be built first:
 * `pnpm turbo run build` (its `build` script is `next build`).
 */
export function startNextExample(env: Record<string, string>) {
  return spawnApp({ cwd: exampleApp, command: [process.execPath, "scripts/start.mjs"], env });
}
