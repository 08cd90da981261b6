import type { Server } from "node:http";
import { Latch, type LatchConfig } from "@latch/core";
import { errorHandler, middleware, type SessionRequest, verifySession } from "@latch/express";
import { freePort } from "@latch/testing/adapter";
import express from "express";

/** A Latch app as the interop tests need it: Latch's routes (both JWKS paths) and GET /me. */
export interface LatchServer {
  origin: string;
  latch: Latch;
  close(): Promise<void>;
}

/** Starts a Latch Express app on a free port; `apiDomain` is its own origin. */
export async function startLatchServer(config: Omit<LatchConfig, "appInfo">): Promise<LatchServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const latch = new Latch({ ...config, appInfo: { apiDomain: origin } });
  const app = express();
  app.use(middleware({ latch }));
  app.get("/me", verifySession({ latch }), (req, res) => {
    const { session } = req as SessionRequest;
    res.json({
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    });
  });
  app.use(errorHandler({ latch }));
  const server: Server = app.listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { origin, latch, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
