// The Hono servers on Bun (Bun.serve), run by the Bun binary of the @oven/bun-linux-x64 package
// (http-load.ts picks it for *-bun-servers.ts): bare, bare-with-two-noop-middlewares or latch
// (argv[2]); the app is hono-app.ts.
import { app, port } from "./hono-app";

/** The part of Bun's global this script uses (the bench typechecks against Node's types). */
interface BunRuntime {
  serve(options: { fetch: typeof app.fetch; port: number; hostname: string }): unknown;
}

(globalThis as unknown as { Bun: BunRuntime }).Bun.serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
console.log(`listening on http://127.0.0.1:${port}`);
