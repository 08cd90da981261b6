import { fileURLToPath } from "node:url";
import { spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/express", import.meta.url));

/** The Express example app (apps/express) on a free port, sessions in memory. */
export function startExpressExample(env: Record<string, string> = {}) {
  return spawnApp({
    cwd: exampleApp,
    command: [process.execPath, "--import", "tsx", "src/server.ts"],
    env: { LATCH_STORE: "memory:", ...env },
  });
}

/** Resolves once `Date.now()` has passed `expiresAt` (ms): the server then sees the token as expired. */
export async function waitUntilPast(expiresAt: number): Promise<void> {
  while (Date.now() <= expiresAt) await new Promise((resolve) => setTimeout(resolve, Math.max(5, expiresAt - Date.now() + 5)));
}
