// The Hono servers on Node (@hono/node-server): bare, bare-with-two-noop-middlewares or latch
// (argv[2]); the app is hono-app.ts.
import { serve } from "@hono/node-server";
import { app, port } from "./hono-app";

serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () => console.log(`listening on http://127.0.0.1:${port}`));
