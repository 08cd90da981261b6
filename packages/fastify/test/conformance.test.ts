import { fileURLToPath } from "node:url";
import { runAdapterConformance, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/fastify", import.meta.url));

runAdapterConformance({
  name: "fastify",
  start: (env) => spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env }),
});
