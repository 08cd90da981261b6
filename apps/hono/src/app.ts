import type { JSONObject, Latch } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { createNewSession, middleware, onError, verifySession } from "@latch/hono";
import { Hono } from "hono";
import { cors } from "hono/cors";

interface LoginBody {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

/** A JSON body, or an empty object when there is none (or it is not JSON). */
async function jsonBody<T>(request: { json(): Promise<T> }): Promise<Partial<T>> {
  try {
    return (await request.json()) ?? {};
  } catch {
    return {};
  }
}

/** The example routes (shared/example-app.md) on one Latch instance; the same app on every runtime. */
export function createApp(latch: Latch): Hono {
  const app = new Hono();

  // CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
  const websiteOrigin = latch.config.websiteDomain;
  if (websiteOrigin !== latch.config.apiDomain) {
    app.use(
      cors({
        origin: websiteOrigin,
        credentials: true,
        allowHeaders: ["content-type", ...latch.getAllCORSHeaders()],
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      }),
    );
  }

  // Latch's own routes, and the cookies and headers Latch sets added to every response.
  app.use(middleware({ latch }));
  // Latch errors thrown by the routes (a session revoked meanwhile, bad login input) as the protocol says.
  app.onError(onError(undefined, { latch }));

  app.post("/login", async (c) => {
    // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
    const { userId, tenantId, accessTokenPayload, sessionData } = await jsonBody<LoginBody>(c.req);
    const session = await createNewSession(c, tenantId ?? "public", userId as string, accessTokenPayload, sessionData);
    return c.json({ message: "User logged in!", sessionHandle: session.getHandle() });
  });

  app.get("/public", (c) => c.json({ ok: true }));

  app.get("/me", verifySession({ latch }), (c) => {
    const { session } = c.var;
    return c.json({
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    });
  });

  app.get("/optional", verifySession({ latch, sessionRequired: false }), (c) => c.json({ userId: c.var.session?.getUserId() ?? null }));

  app.get("/me/data", verifySession({ latch }), async (c) => c.json({ sessionData: await c.var.session.getSessionDataFromDatabase() }));

  app.put("/me/data", verifySession({ latch }), async (c) => {
    const { sessionData } = await jsonBody<{ sessionData: JSONObject }>(c.req);
    await c.var.session.updateSessionDataInDatabase(sessionData as JSONObject);
    return c.json({ status: "OK" });
  });

  app.patch("/me/payload", verifySession({ latch }), async (c) => {
    const { session } = c.var;
    const { accessTokenPayload } = await jsonBody<{ accessTokenPayload: JSONObject }>(c.req);
    await session.mergeIntoAccessTokenPayload(accessTokenPayload as JSONObject);
    return c.json({ accessTokenPayload: session.getAccessTokenPayload() });
  });

  app.get("/me/sessions", verifySession({ latch }), async (c) => c.json(await sessionsOfCaller(latch, c.var.session)));

  app.post("/me/revoke-others", verifySession({ latch }), async (c) => c.json(await revokeOtherSessionsOfCaller(latch, c.var.session)));

  app.post("/me/revoke-all", verifySession({ latch }), async (c) => {
    const revoked = await latch.revokeAllSessionsForUser(c.var.session.getUserId());
    return c.json({ revoked: revoked.length });
  });

  app.get("/admin/only", verifySession({ latch, overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] }), (c) =>
    c.json({ ok: true }),
  );

  return app;
}
