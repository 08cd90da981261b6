import { fileURLToPath } from "node:url";
import { spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/express", import.meta.url));

/** The Express example app (apps/express), started as users start it. */
export function startExpressExample(env: Record<string, string>) {
  return spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env });
}
