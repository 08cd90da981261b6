import { fileURLToPath } from "node:url";
import { runAdapterConformance, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/hapi", import.meta.url));

runAdapterConformance({
  name: "hapi",
  start: (env) => spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env }),
});
