import { fileURLToPath } from "node:url";
import { spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/loopback", import.meta.url));

/** The LoopBack example app (apps/loopback), started as users start it. */
export function startLoopbackExample(env: Record<string, string>) {
  return spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env });
}
