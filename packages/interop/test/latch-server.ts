import type { Server } from "node:http";
import { Latch, type LatchConfig } from "@latch/core";
import { createApp } from "@latch/example-express/app";
import { freePort } from "@latch/testing/adapter";

/** The Express example app (apps/express exports its createApp as `./app`: GET /me, Latch's routes, both JWKS paths) on a free port. */
export interface LatchServer {
  origin: string;
  latch: Latch;
  close(): Promise<void>;
}

/** Starts the example app in this process; its `apiDomain` is its own origin. */
export async function startLatchServer(config: Omit<LatchConfig, "appInfo">): Promise<LatchServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const latch = new Latch({ ...config, appInfo: { apiDomain: origin } });
  const server: Server = createApp(latch).listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { origin, latch, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
