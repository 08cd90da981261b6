import { getAllCORSHeaders, type Latch } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { errorHandler, middleware, type VerifiedSessionRequest, verifySession } from "@latch/express";
import express, { type Express, type Request, type Response } from "express";
import { demoPageDir } from "./demo-page";

/** The example routes (shared/example-app.md) on one Latch instance. */
export function createApp(latch: Latch): Express {
  const app = express();
  app.use(express.json());

  // CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
  const websiteOrigin = latch.config.websiteDomain;
  app.use((req, res, next) => {
    if (req.headers.origin === websiteOrigin && websiteOrigin !== latch.config.apiDomain) {
      res.setHeader("access-control-allow-origin", websiteOrigin);
      res.setHeader("access-control-allow-credentials", "true");
      res.setHeader("vary", "origin");
      if (req.method === "OPTIONS") {
        res.setHeader("access-control-allow-headers", ["content-type", ...getAllCORSHeaders()].join(", "));
        res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE");
        res.status(204).end();
        return;
      }
    }
    next();
  });

  // Latch's own routes: /auth/session/refresh, /auth/signout, /auth/jwt/jwks.json, /.well-known/jwks.json
  app.use(middleware({ latch }));

  app.post("/login", async (req: Request, res: Response) => {
    const { userId, tenantId, accessTokenPayload, sessionData } = req.body ?? {};
    const session = await latch.createNewSession(req, res, tenantId ?? "public", userId, accessTokenPayload, sessionData);
    res.json({ message: "User logged in!", sessionHandle: session.getHandle() });
  });

  app.get("/public", (_req, res) => {
    res.json({ ok: true });
  });

  app.get("/me", verifySession({ latch }), (req, res) => {
    const { session } = req as VerifiedSessionRequest;
    res.json({
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    });
  });

  app.get("/optional", verifySession({ latch, sessionRequired: false }), (req, res) => {
    res.json({ userId: req.latchSession?.getUserId() ?? null });
  });

  app.get("/me/data", verifySession({ latch }), async (req, res) => {
    res.json({ sessionData: await (req as VerifiedSessionRequest).session.getSessionDataFromDatabase() });
  });

  app.put("/me/data", verifySession({ latch }), async (req, res) => {
    await (req as VerifiedSessionRequest).session.updateSessionDataInDatabase(req.body?.sessionData);
    res.json({ status: "OK" });
  });

  app.patch("/me/payload", verifySession({ latch }), async (req, res) => {
    const { session } = req as VerifiedSessionRequest;
    await session.mergeIntoAccessTokenPayload(req.body?.accessTokenPayload);
    res.json({ accessTokenPayload: session.getAccessTokenPayload() });
  });

  app.get("/me/sessions", verifySession({ latch }), async (req, res) => {
    res.json(await sessionsOfCaller(latch, (req as VerifiedSessionRequest).session));
  });

  app.post("/me/revoke-others", verifySession({ latch }), async (req, res) => {
    res.json(await revokeOtherSessionsOfCaller(latch, (req as VerifiedSessionRequest).session));
  });

  app.post("/me/revoke-all", verifySession({ latch }), async (req, res) => {
    const revoked = await latch.revokeAllSessionsForUser((req as VerifiedSessionRequest).session.getUserId());
    res.json({ revoked: revoked.length });
  });

  app.get(
    "/admin/only",
    verifySession({ latch, overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );

  // Demo only (apps/demo): revoke one of the caller's own sessions by handle.
  app.post("/me/sessions/revoke", verifySession({ latch }), async (req, res) => {
    const { session } = req as VerifiedSessionRequest;
    const sessionHandle: unknown = req.body?.sessionHandle;
    const own = await latch.getAllSessionHandlesForUser(session.getUserId(), session.getTenantId());
    if (typeof sessionHandle !== "string" || !own.includes(sessionHandle)) {
      res.status(404).json({ message: "sessionHandle: not one of your sessions" });
      return;
    }
    res.json({ revoked: await latch.revokeSession(sessionHandle) });
  });

  // The demo page (apps/demo, built by `pnpm start`) at "/", after every route so it shadows none.
  const demoDir = demoPageDir();
  if (demoDir) app.use(express.static(demoDir));

  // Answers Latch's errors (401, 403, 400, 503) with the protocol's bodies; anything else goes on.
  app.use(errorHandler({ latch }));
  return app;
}
