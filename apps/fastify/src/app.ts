import type { JSONObject, Latch, SessionContainer } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { latchPlugin, verifySession } from "@latch/fastify";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";

interface LoginBody {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

/** The session a required verifySession() put on the request. */
function sessionOf(request: FastifyRequest): SessionContainer {
  if (!request.latchSession) throw new Error("verifySession() did not run");
  return request.latchSession;
}

/** The example routes (shared/example-app.md) on one Latch instance. */
export async function createApp(latch: Latch): Promise<FastifyInstance> {
  const app = Fastify();

  // CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
  const websiteOrigin = latch.config.websiteDomain;
  app.addHook("onRequest", async (request, reply) => {
    if (request.headers.origin === websiteOrigin && websiteOrigin !== latch.config.apiDomain) {
      reply.header("access-control-allow-origin", websiteOrigin);
      reply.header("access-control-allow-credentials", "true");
      reply.header("vary", "origin");
      if (request.method === "OPTIONS") {
        reply.header("access-control-allow-headers", ["content-type", ...latch.getAllCORSHeaders()].join(", "));
        reply.header("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE");
        return reply.code(204).send();
      }
    }
  });

  // Latch's routes (/auth/session/refresh, /auth/signout, /auth/jwt/jwks.json, /.well-known/jwks.json) and error answers.
  await app.register(latchPlugin, { latch });

  app.post<{ Body: LoginBody }>("/login", async (request, reply) => {
    // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
    const { userId, tenantId, accessTokenPayload, sessionData } = request.body ?? ({} as LoginBody);
    const session = await latch.createNewSession(request, reply, tenantId ?? "public", userId, accessTokenPayload, sessionData);
    return { message: "User logged in!", sessionHandle: session.getHandle() };
  });

  app.get("/public", async () => ({ ok: true }));

  app.get("/me", { preHandler: verifySession({ latch }) }, async (request) => {
    const session = sessionOf(request);
    return {
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    };
  });

  app.get("/optional", { preHandler: verifySession({ latch, sessionRequired: false }) }, async (request) => ({
    userId: request.latchSession?.getUserId() ?? null,
  }));

  app.get("/me/data", { preHandler: verifySession({ latch }) }, async (request) => ({
    sessionData: await sessionOf(request).getSessionDataFromDatabase(),
  }));

  app.put<{ Body: { sessionData: JSONObject } }>("/me/data", { preHandler: verifySession({ latch }) }, async (request) => {
    await sessionOf(request).updateSessionDataInDatabase(request.body?.sessionData);
    return { status: "OK" };
  });

  app.patch<{ Body: { accessTokenPayload: JSONObject } }>("/me/payload", { preHandler: verifySession({ latch }) }, async (request) => {
    const session = sessionOf(request);
    await session.mergeIntoAccessTokenPayload(request.body?.accessTokenPayload);
    return { accessTokenPayload: session.getAccessTokenPayload() };
  });

  app.get("/me/sessions", { preHandler: verifySession({ latch }) }, async (request) => sessionsOfCaller(latch, sessionOf(request)));

  app.post("/me/revoke-others", { preHandler: verifySession({ latch }) }, async (request) =>
    revokeOtherSessionsOfCaller(latch, sessionOf(request)),
  );

  app.post("/me/revoke-all", { preHandler: verifySession({ latch }) }, async (request) => {
    const revoked = await latch.revokeAllSessionsForUser(sessionOf(request).getUserId());
    return { revoked: revoked.length };
  });

  app.get(
    "/admin/only",
    { preHandler: verifySession({ latch, overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] }) },
    async () => ({ ok: true }),
  );

  return app;
}
