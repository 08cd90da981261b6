import { fileURLToPath } from "node:url";
import { runAdapterConformance, spawnApp } from "@latch/testing/adapter";

const exampleApp = fileURLToPath(new URL("../../../apps/nestjs", import.meta.url));

for (const platform of ["express", "fastify"]) {
  runAdapterConformance({
    name: `nestjs on ${platform}`,
    start: (env) =>
      spawnApp({
        cwd: exampleApp,
        command: [process.execPath, "--import", "tsx", "src/server.ts"],
        env: { ...env, LATCH_NEST_PLATFORM: platform },
      }),
  });
}
