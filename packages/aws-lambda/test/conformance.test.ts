import { fileURLToPath } from "node:url";
import { runAdapterConformance, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/aws-lambda", import.meta.url));

runAdapterConformance({
  name: "aws-lambda (HTTP API v2 through a local API Gateway)",
  start: (env) => spawnApp({ cwd: exampleApp, command: [process.execPath, "--import", "tsx", "src/server.ts"], env }),
});
