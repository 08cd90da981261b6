import { fileURLToPath } from "node:url";
import { type RunningApp, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/express", import.meta.url));

/**
 * The Express example app (apps/express) on a free port, sessions in memory. Started a second time
 * if the first start fails: another process on this shared machine may take the free port between
 * freePort() and the app's listen().
 */
export async function startExpressExample(env: Record<string, string> = {}): Promise<RunningApp> {
  const start = () =>
    spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env: { LATCH_STORE: "memory:", ...env } });
  try {
    return await start();
  } catch (error) {
    console.warn(`the Express example did not start, trying once more: ${String(error).slice(0, 400)}`);
    return start();
  }
}

/** Resolves once `Date.now()` has passed `expiresAt` (ms): the server then sees the token as expired. */
export async function waitUntilPast(expiresAt: number): Promise<void> {
  while (Date.now() <= expiresAt) await new Promise((resolve) => setTimeout(resolve, Math.max(5, expiresAt - Date.now() + 5)));
}
