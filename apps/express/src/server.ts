import { Latch } from "@latch/core";
import { exampleSettings, latchConfigFromEnv } from "@latch/example-config";
import { createApp } from "./app";
import { demoPageDir } from "./demo-page";

const { port, host } = exampleSettings();
const latch = new Latch(await latchConfigFromEnv());
const server = createApp(latch).listen(port, host, () => {
  console.log(`listening on http://${host}:${port}`);
  console.log(demoPageDir() ? `demo page: http://${host}:${port}/` : "demo page not built (pnpm --filter @latch/demo build)");
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void latch.close().finally(() => process.exit(0));
  });
}
