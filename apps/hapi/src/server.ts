import { Latch } from "@latch/core";
import { exampleSettings, latchConfigFromEnv } from "@latch/example-config";
import { createApp } from "./app";

const { port, host } = exampleSettings();
const latch = new Latch(await latchConfigFromEnv());
const server = await createApp(latch, port, host);
await server.start();
console.log(`listening on http://${host}:${port}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void server
      .stop()
      .then(() => latch.close())
      .finally(() => process.exit(0));
  });
}
