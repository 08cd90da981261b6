import { Latch } from "@latch/core";
import { exampleSettings, latchConfigFromEnv } from "@latch/example-config";
import { ExampleApplication } from "./application";

const { port, host } = exampleSettings();
const latch = new Latch(await latchConfigFromEnv());

// CORS for a website on another origin (LoopBack's own CORS middleware runs before Latch's, so
// Latch's answers carry it too); Latch adds its headers to Access-Control-Expose-Headers itself.
const website = latch.config.websiteDomain;
const crossOrigin = website !== latch.config.apiDomain;
const app = new ExampleApplication(latch, {
  rest: {
    host,
    port,
    cors: crossOrigin
      ? { origin: website, credentials: true, allowedHeaders: ["content-type", ...latch.getAllCORSHeaders()] }
      : { origin: false },
  },
});
await app.start();
console.log(`listening on http://${host}:${port}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void app
      .stop()
      .then(() => latch.close())
      .finally(() => process.exit(0));
  });
}
