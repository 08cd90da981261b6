import type { RequestBodyObject } from "@loopback/rest";

// Request bodies document their fields but check none of them: Latch validates each value and
// answers 400 with a message naming it, as in every example app (a schema type would make LoopBack
// answer 422 first). Written out because the example runs under tsx (esbuild), which emits no
// decorator type metadata for LoopBack to infer schemas from.
function jsonBody(fields: Record<string, string>): Partial<RequestBodyObject> {
  const properties = Object.fromEntries(Object.entries(fields).map(([name, description]) => [name, { description }]));
  return { content: { "application/json": { schema: { type: "object", properties } } } };
}

export const LOGIN_BODY = jsonBody({
  userId: "the user to log in (after checking their credentials)",
  tenantId: 'the tenant; default "public"',
  accessTokenPayload: "claims to put into the access token",
  sessionData: "data kept with the session in the database",
});
export const SESSION_DATA_BODY = jsonBody({ sessionData: "replaces the session's data in the database" });
export const PAYLOAD_BODY = jsonBody({ accessTokenPayload: "merged into the access token's payload (null removes a key)" });
