import { serve } from "@hono/node-server";
import { Latch } from "@latch/core";
import { exampleSettings, latchConfigFromEnv } from "@latch/example-config";
import { createApp } from "./app";

// Node: every store LATCH_STORE names (SQLite by default).
const { port, host } = exampleSettings();
const latch = new Latch(await latchConfigFromEnv());
const server = serve({ fetch: createApp(latch).fetch, port, hostname: host }, () => {
  console.log(`listening on http://${host}:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    void latch.close().finally(() => process.exit(0));
  });
}
