import {
  type ApiGatewayV2Event,
  type LambdaHandler,
  type LambdaResult,
  middleware,
  type SessionEvent,
  verifySession,
} from "@latch/aws-lambda";
import { type JSONObject, Latch } from "@latch/core";
import { adminRoleValidator, latchConfigFromEnv, revokeOtherSessionsOfCaller, sessionsOfCaller } from "@latch/example-config";

// The example routes (shared/example-app.md) as one Lambda behind an HTTP API (payload v2).
// Created once per container, outside the handler, as Lambda best practice says.
const latch = new Latch(await latchConfigFromEnv());

type Route = LambdaHandler<ApiGatewayV2Event, LambdaResult>;

function json(body: unknown, statusCode = 200): LambdaResult {
  return { statusCode, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(body) };
}

function bodyOf<T>(event: ApiGatewayV2Event): Partial<T> {
  if (!event.body) return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text) as Partial<T>;
  } catch {
    return {};
  }
}

/** A route that needs a session: the handler runs with it, or Latch answers. */
function withSession(handler: (event: SessionEvent<ApiGatewayV2Event>) => Promise<LambdaResult> | LambdaResult, options = {}): Route {
  return verifySession<ApiGatewayV2Event>(async (event) => handler(event), { latch, ...options });
}

function sessionOf(event: SessionEvent) {
  if (!event.session) throw new Error("verifySession did not run");
  return event.session;
}

const routes: Record<string, Route> = {
  "POST /login": middleware<ApiGatewayV2Event>(
    async (event) => {
      // Unchecked input: createNewSession validates each value and answers 400 for a bad one.
      const { userId, tenantId, accessTokenPayload, sessionData } = bodyOf<{
        userId: string;
        tenantId: string;
        accessTokenPayload: JSONObject;
        sessionData: JSONObject;
      }>(event);
      const session = await latch.createNewSession(event, event, tenantId ?? "public", userId as string, accessTokenPayload, sessionData);
      return json({ message: "User logged in!", sessionHandle: session.getHandle() });
    },
    { latch },
  ),
  "GET /public": async () => json({ ok: true }),
  "GET /me": withSession((event) => {
    const session = sessionOf(event);
    return json({
      userId: session.getUserId(),
      tenantId: session.getTenantId(),
      sessionHandle: session.getHandle(),
      accessTokenPayload: session.getAccessTokenPayload(),
    });
  }),
  "GET /optional": withSession((event) => json({ userId: event.session?.getUserId() ?? null }), { sessionRequired: false }),
  "GET /me/data": withSession(async (event) => json({ sessionData: await sessionOf(event).getSessionDataFromDatabase() })),
  "PUT /me/data": withSession(async (event) => {
    await sessionOf(event).updateSessionDataInDatabase(bodyOf<{ sessionData: JSONObject }>(event).sessionData as JSONObject);
    return json({ status: "OK" });
  }),
  "PATCH /me/payload": withSession(async (event) => {
    const session = sessionOf(event);
    await session.mergeIntoAccessTokenPayload(bodyOf<{ accessTokenPayload: JSONObject }>(event).accessTokenPayload as JSONObject);
    return json({ accessTokenPayload: session.getAccessTokenPayload() });
  }),
  "GET /me/sessions": withSession(async (event) => json(await sessionsOfCaller(latch, sessionOf(event)))),
  "POST /me/revoke-others": withSession(async (event) => json(await revokeOtherSessionsOfCaller(latch, sessionOf(event)))),
  "POST /me/revoke-all": withSession(async (event) =>
    json({ revoked: (await latch.revokeAllSessionsForUser(sessionOf(event).getUserId())).length }),
  ),
  "GET /admin/only": withSession(() => json({ ok: true }), {
    overrideGlobalClaimValidators: (global: never[]) => [...global, adminRoleValidator],
  }),
};

/** Latch's own routes (refresh, signout, JWKS) are served by `middleware`; everything else by the table above. */
const notFound = middleware<ApiGatewayV2Event>(async () => json({ message: "not found" }, 404), { latch });

export async function handler(event: ApiGatewayV2Event, context: object): Promise<LambdaResult> {
  const route = routes[`${event.requestContext.http.method} ${event.rawPath}`] ?? notFound;
  return route(event, context);
}
