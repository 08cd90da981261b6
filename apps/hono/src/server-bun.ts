import { Latch } from "@latch/core";
import { createApp } from "./app";
import { edgeConfig } from "./settings";

declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: { fetch: (request: Request) => Response | Promise<Response>; port: number; hostname: string }): { port: number };
};

const env = Bun.env;
const host = "127.0.0.1";
const latch = new Latch(await edgeConfig("bun", env));
const server = Bun.serve({ fetch: createApp(latch).fetch, port: Number(env.PORT ?? 3000), hostname: host });
console.log(`listening on http://${host}:${server.port}`);
