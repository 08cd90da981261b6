import Hapi, { type Request, type Server } from "@hapi/hapi";
import type { JSONObject, Latch, SessionContainer } from "@latch/core";
import { adminRoleValidator, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";
import { type LatchSchemeOptions, latchPlugin } from "@latch/hapi";

interface LoginBody {
  userId: string;
  tenantId?: string;
  accessTokenPayload?: JSONObject;
  sessionData?: JSONObject;
}

/** The session the "latch" strategy authenticated. */
function sessionOf(request: Request): SessionContainer {
  if (!request.app.session) throw new Error("the route has no latch auth");
  return request.app.session;
}

function bodyOf<T>(request: Request): Partial<T> {
  return (request.payload ?? {}) as Partial<T>;
}

/** The example routes (shared/example-app.md) on one Latch instance. */
export async function createApp(latch: Latch, port: number, host: string): Promise<Server> {
  const websiteOrigin = latch.config.websiteDomain;
  const crossOrigin = websiteOrigin !== latch.config.apiDomain;
  const server = Hapi.server({
    port,
    host,
    routes: {
      // A Cookie header hapi cannot parse must not fail the request: Latch judges its own tokens.
      state: { parse: true, failAction: "ignore" },
      // CORS for a website on another origin; Latch adds its headers to Access-Control-Expose-Headers itself.
      cors: crossOrigin ? { origin: [websiteOrigin], credentials: true, additionalHeaders: [...latch.getAllCORSHeaders()] } : false,
    },
  });

  // Latch's routes, the "latch" auth scheme and strategy, and the protocol's error answers.
  await server.register({ plugin: latchPlugin, options: { latch } });
  const admin: LatchSchemeOptions = { overrideGlobalClaimValidators: (global) => [...global, adminRoleValidator] };
  server.auth.strategy("latch-admin", "latch", admin);

  server.route({
    method: "POST",
    path: "/login",
    handler: async (request, h) => {
      // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
      const { userId, tenantId, accessTokenPayload, sessionData } = bodyOf<LoginBody>(request);
      const session = await latch.createNewSession(request, h, tenantId ?? "public", userId as string, accessTokenPayload, sessionData);
      return { message: "User logged in!", sessionHandle: session.getHandle() };
    },
  });

  server.route({ method: "GET", path: "/public", handler: () => ({ ok: true }) });

  server.route({
    method: "GET",
    path: "/me",
    options: { auth: "latch" },
    handler: (request) => {
      const session = sessionOf(request);
      return {
        userId: session.getUserId(),
        tenantId: session.getTenantId(),
        sessionHandle: session.getHandle(),
        accessTokenPayload: session.getAccessTokenPayload(),
      };
    },
  });

  server.route({
    method: "GET",
    path: "/optional",
    options: { auth: { strategy: "latch", mode: "optional" } },
    handler: (request) => ({ userId: request.app.session?.getUserId() ?? null }),
  });

  server.route({
    method: "GET",
    path: "/me/data",
    options: { auth: "latch" },
    handler: async (request) => ({ sessionData: await sessionOf(request).getSessionDataFromDatabase() }),
  });

  server.route({
    method: "PUT",
    path: "/me/data",
    options: { auth: "latch" },
    handler: async (request) => {
      await sessionOf(request).updateSessionDataInDatabase(bodyOf<{ sessionData: JSONObject }>(request).sessionData as JSONObject);
      return { status: "OK" };
    },
  });

  server.route({
    method: "PATCH",
    path: "/me/payload",
    options: { auth: "latch" },
    handler: async (request) => {
      const session = sessionOf(request);
      await session.mergeIntoAccessTokenPayload(bodyOf<{ accessTokenPayload: JSONObject }>(request).accessTokenPayload as JSONObject);
      return { accessTokenPayload: session.getAccessTokenPayload() };
    },
  });

  server.route({
    method: "GET",
    path: "/me/sessions",
    options: { auth: "latch" },
    handler: async (request) => sessionsOfCaller(latch, sessionOf(request)),
  });

  server.route({
    method: "POST",
    path: "/me/revoke-others",
    options: { auth: "latch" },
    handler: async (request) => revokeOtherSessionsOfCaller(latch, sessionOf(request)),
  });

  server.route({
    method: "POST",
    path: "/me/revoke-all",
    options: { auth: "latch" },
    handler: async (request) => ({ revoked: (await latch.revokeAllSessionsForUser(sessionOf(request).getUserId())).length }),
  });

  server.route({ method: "GET", path: "/admin/only", options: { auth: "latch-admin" }, handler: () => ({ ok: true }) });

  return server;
}
