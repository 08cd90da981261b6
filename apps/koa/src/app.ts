import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import type { JSONObject, Latch, SessionContainer } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { middleware, verifySession } from "@latch/koa";
import Koa, { type Context } from "koa";

interface LoginBody {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

/** The session a required verifySession() put on the state. */
function sessionOf(ctx: Context): SessionContainer {
  const { session } = ctx.state;
  if (!session) throw new Error("verifySession() did not run");
  return session;
}

/** The example routes (shared/example-app.md) on one Latch instance. */
export function createApp(latch: Latch): Koa {
  const app = new Koa();
  const router = new Router();

  // CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
  const websiteOrigin = latch.config.websiteDomain;
  app.use(async (ctx, next) => {
    if (ctx.get("origin") === websiteOrigin && websiteOrigin !== latch.config.apiDomain) {
      ctx.set("access-control-allow-origin", websiteOrigin);
      ctx.set("access-control-allow-credentials", "true");
      ctx.vary("origin");
      if (ctx.method === "OPTIONS") {
        ctx.set("access-control-allow-headers", ["content-type", ...latch.getAllCORSHeaders()].join(", "));
        ctx.set("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE");
        ctx.status = 204;
        return;
      }
    }
    await next();
  });

  // Latch's own routes, and Latch errors from everything below answered with the protocol's bodies.
  app.use(middleware({ latch }));
  app.use(bodyParser());

  router.post("/login", async (ctx) => {
    // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
    const { userId, tenantId, accessTokenPayload, sessionData } = (ctx.request.body ?? {}) as LoginBody;
    const session = await latch.createNewSession(ctx, ctx, tenantId ?? "public", userId, accessTokenPayload, sessionData);
    ctx.body = { message: "User logged in!", sessionHandle: session.getHandle() };
  });

  router.get("/public", (ctx) => {
    ctx.body = { ok: true };
  });

  router.get("/me", verifySession({ latch }), (ctx) => {
    const session = sessionOf(ctx);
    ctx.body = {
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    };
  });

  router.get("/optional", verifySession({ latch, sessionRequired: false }), (ctx) => {
    ctx.body = { userId: ctx.state.session?.getUserId() ?? null };
  });

  router.get("/me/data", verifySession({ latch }), async (ctx) => {
    ctx.body = { sessionData: await sessionOf(ctx).getSessionDataFromDatabase() };
  });

  router.put("/me/data", verifySession({ latch }), async (ctx) => {
    await sessionOf(ctx).updateSessionDataInDatabase(
      (ctx.request.body as { sessionData?: JSONObject } | undefined)?.sessionData as JSONObject,
    );
    ctx.body = { status: "OK" };
  });

  router.patch("/me/payload", verifySession({ latch }), async (ctx) => {
    const session = sessionOf(ctx);
    await session.mergeIntoAccessTokenPayload(
      (ctx.request.body as { accessTokenPayload?: JSONObject } | undefined)?.accessTokenPayload as JSONObject,
    );
    ctx.body = { accessTokenPayload: session.getAccessTokenPayload() };
  });

  router.get("/me/sessions", verifySession({ latch }), async (ctx) => {
    ctx.body = await sessionsOfCaller(latch, sessionOf(ctx));
  });

  router.post("/me/revoke-others", verifySession({ latch }), async (ctx) => {
    ctx.body = await revokeOtherSessionsOfCaller(latch, sessionOf(ctx));
  });

  router.post("/me/revoke-all", verifySession({ latch }), async (ctx) => {
    const revoked = await latch.revokeAllSessionsForUser(sessionOf(ctx).getUserId());
    ctx.body = { revoked: revoked.length };
  });

  router.get("/admin/only", verifySession({ latch, overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] }), (ctx) => {
    ctx.body = { ok: true };
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
