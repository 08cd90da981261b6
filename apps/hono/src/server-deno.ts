import { Latch } from "@latch/core";
import { createApp } from "./app";
import { edgeConfig } from "./settings";

declare const Deno: {
  args: string[];
  serve(
    options: { port: number; hostname: string; onListen?: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

// Run without --allow-env, as a locked-down Deno app is: scripts/start.mjs passes the LATCH_*
// variables as one JSON argument, and Latch must not touch process.env (Deno would refuse).
const env = JSON.parse(Deno.args[0] ?? "{}") as Record<string, string>;
const host = "127.0.0.1";
const latch = new Latch(await edgeConfig("deno", env));
Deno.serve(
  { port: Number(env.PORT ?? 3000), hostname: host, onListen: ({ port }) => console.log(`listening on http://${host}:${port}`) },
  createApp(latch).fetch,
);
