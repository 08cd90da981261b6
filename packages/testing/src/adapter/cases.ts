import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { ConformanceContext } from "./context";
import { deviceCases, sessionCapCases } from "./device-cases";
import { fleetRevocationCases } from "./fleet-cases";
import { decodeFrontTokenHeader, exposedHeaders, type HttpClient, type Reply } from "./http-client";
import { outageCases } from "./outage-cases";
import { securityCases, securityCsrfCases, securityCustomHeaderCases } from "./security-cases";

// Every expectation here comes from shared/protocol.md and shared/example-app.md. An adapter
// passes when its example app answers exactly so: same statuses, same body bytes, same cookies.

export interface ConformanceCase {
  name: string;
  run(ctx: ConformanceContext): Promise<void>;
}

export interface ConformanceGroup {
  name: string;
  /** Run the app on PostgreSQL through an outage proxy (ctx.outage). */
  throughOutageProxy?: boolean;
  /** Two instances of the app share the store (ctx.secondServer()): skipped for apps on `memory:` only. */
  twoServers?: boolean;
  /** LATCH_* variables of the app this group runs against. */
  env: Record<string, string>;
  cases: ConformanceCase[];
}

const UNAUTHORISED = '{"message":"unauthorised"}';
const TRY_REFRESH = '{"message":"try refresh token"}';
const THEFT = '{"message":"token theft detected"}';
const REFRESH = "/auth/session/refresh";
const SIGNOUT = "/auth/signout";

function assertJsonBody(reply: Reply, status: number, text: string): void {
  assert.equal(reply.status, status, `expected ${status} ${text}, got ${reply.status} ${reply.text}`);
  assert.equal(reply.text, text);
  assert.match(reply.headers.get("content-type") ?? "", /^application\/json/);
}

function assertExposed(reply: Reply, ...names: string[]): void {
  const exposed = exposedHeaders(reply.headers);
  for (const name of names) assert.ok(exposed.includes(name), `Access-Control-Expose-Headers lacks ${name}: ${exposed.join(", ")}`);
}

/** Tokens were cleared: both cookies expire at the epoch and the front token says remove. */
function assertCleared(reply: Reply): void {
  for (const name of ["sAccessToken", "sRefreshToken"]) {
    const cookie = reply.cookie(name);
    assert.ok(cookie, `${name} is not cleared`);
    assert.equal(cookie.value, "");
    assert.ok(Date.parse(cookie.attributes.expires ?? "") <= 0, `${name} must expire at the epoch`);
  }
  assert.equal(reply.headers.get("front-token"), "remove");
  assertExposed(reply, "front-token");
}

function assertUntouched(reply: Reply): void {
  assert.equal(reply.setCookies.length, 0, `no cookie may be set: ${reply.setCookies.map((c) => c.raw).join(" | ")}`);
  assert.equal(reply.headers.get("front-token"), null);
}

function refreshCookie(client: HttpClient): string {
  const value = client.cookieValue("sRefreshToken");
  assert.ok(value, "no refresh token in the jar");
  return value;
}

/** Sends only the given refresh token (as a browser holding it would). */
function refreshWith(client: HttpClient, refreshToken: string, headers: Record<string, string> = {}): Promise<Reply> {
  return client.post(REFRESH, { headers: { cookie: `sRefreshToken=${refreshToken}`, ...headers }, cookies: false });
}

function newUser(): string {
  return `user-${randomUUID()}`;
}

const cookieMode: ConformanceCase[] = [
  {
    name: "public route answers without a session",
    async run(ctx) {
      assertJsonBody(await ctx.client().get("/public"), 200, '{"ok":true}');
    },
  },
  {
    name: "login sets sAccessToken, sRefreshToken and front-token as the protocol says",
    async run(ctx) {
      const client = ctx.client();
      const userId = newUser();
      const before = Date.now();
      const reply = await ctx.login(client, { userId, accessTokenPayload: { plan: "pro" } });
      const body = reply.body as { message: string; sessionHandle: string };
      assert.equal(body.message, "User logged in!");
      assert.match(body.sessionHandle, /^[0-9a-f-]{36}$/);

      const access = reply.cookie("sAccessToken");
      assert.ok(access, "no sAccessToken cookie");
      assert.equal(access.attributes.path, "/");
      assert.ok("httponly" in access.attributes);
      assert.equal(access.attributes.samesite?.toLowerCase(), "lax");
      assert.ok(!("secure" in access.attributes), "Secure must follow apiDomain (http here)");
      assert.ok(!("domain" in access.attributes), "no Domain unless cookieDomain is configured");
      // The cookie outlives the JWT: it lives as long as the refresh token.
      assert.ok(Date.parse(access.attributes.expires ?? "") > before + 99 * 24 * 3600 * 1000);

      const refresh = reply.cookie("sRefreshToken");
      assert.ok(refresh, "no sRefreshToken cookie");
      assert.equal(refresh.attributes.path, REFRESH);
      assert.ok("httponly" in refresh.attributes);
      assert.equal(refresh.attributes.samesite?.toLowerCase(), "lax");
      assert.ok(Date.parse(refresh.attributes.expires ?? "") > before + 99 * 24 * 3600 * 1000);

      const front = reply.headers.get("front-token");
      assert.ok(front, "no front-token header");
      assert.match(front, /^[A-Za-z0-9+/]+=*$/, "front-token is standard base64");
      const info = decodeFrontTokenHeader(front);
      assert.equal(info.uid, userId);
      assert.equal(info.up.sub, userId);
      assert.equal(info.up.plan, "pro");
      assert.equal(info.up.tId, "public");
      assert.equal(typeof info.up.iat, "number");
      assert.equal(info.ate, (info.up.exp as number) * 1000);
      assert.equal(info.up.sessionHandle, body.sessionHandle);
      assertExposed(reply, "front-token");
      assert.equal(reply.headers.get("st-access-token"), null, "cookie mode sends no token headers");
      assert.equal(reply.headers.get("st-refresh-token"), null);
      assert.equal(reply.headers.get("anti-csrf"), null, "no anti-csrf token unless VIA_TOKEN");
    },
  },
  {
    name: "the access token is a JWT signed by a key of the JWKS endpoint",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const jwks = await client.get("/auth/jwt/jwks.json");
      assert.equal(jwks.status, 200);
      assert.match(jwks.headers.get("cache-control") ?? "", /max-age=\d+/);
      const keySet = jwks.body as { keys: Array<{ kid: string; kty: string; alg: string; d?: string }> };
      assert.ok(keySet.keys.length >= 1);
      for (const key of keySet.keys) assert.equal(key.d, undefined, "the JWKS must not contain private keys");
      const token = client.cookieValue("sAccessToken") ?? "";
      const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keySet as Parameters<typeof createLocalJWKSet>[0]));
      assert.equal(protectedHeader.typ, "JWT");
      assert.ok(keySet.keys.some((k) => k.kid === protectedHeader.kid));
      assert.equal(payload.iss, `${ctx.env.LATCH_API_DOMAIN ?? ctx.baseUrl}/auth`);
      for (const claim of ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1", "tId", "rsub"]) {
        assert.ok(claim in payload, `access token lacks ${claim}`);
      }
      assert.equal(payload.parentRefreshTokenHash1, null);
    },
  },
  {
    name: "the JWKS is served at /.well-known/jwks.json too, with kids SuperTokens backend SDKs accept",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const atBase = await client.get("/auth/jwt/jwks.json");
      const atRoot = await client.get("/.well-known/jwks.json");
      assert.equal(atRoot.status, 200, "a SuperTokens backend with connectionURI = this app's origin fetches /.well-known/jwks.json");
      assert.match(atRoot.headers.get("content-type") ?? "", /application\/json/);
      assert.deepEqual(atRoot.body, atBase.body);
      const kid = decodeProtectedHeader(client.cookieValue("sAccessToken") ?? "").kid ?? "";
      // d- marks a rotating key (s- the static one): SuperTokens SDKs refuse a token whose kid has neither.
      assert.match(kid, /^[ds]-/);
      assert.equal(decodeProtectedHeader(client.cookieValue("sAccessToken") ?? "").version, "5");
    },
  },
  {
    name: "login rejects a missing, non-string or empty userId with 400",
    async run(ctx) {
      const client = ctx.client();
      for (const body of [{}, { userId: 42 }, { userId: "" }, { userId: null }]) {
        const reply = await client.post("/login", { json: body });
        assert.equal(reply.status, 400, `userId ${JSON.stringify(body)}: ${reply.status} ${reply.text}`);
        assert.match(String((reply.body as { message?: string }).message), /userId/);
        assertUntouched(reply);
      }
    },
  },
  {
    name: "login rejects protected claims in the payload with 400",
    async run(ctx) {
      const reply = await ctx.client().post("/login", { json: { userId: newUser(), accessTokenPayload: { sub: "admin" } } });
      assert.equal(reply.status, 400);
      assert.match(String((reply.body as { message?: string }).message), /sub/);
    },
  },
  {
    name: "a protected route answers with the session",
    async run(ctx) {
      const client = ctx.client();
      const userId = newUser();
      const login = await ctx.login(client, { userId, accessTokenPayload: { plan: "pro" } });
      const reply = await client.get("/me");
      assert.equal(reply.status, 200);
      const body = reply.body as { userId: string; tenantId: string; sessionHandle: string; accessTokenPayload: Record<string, unknown> };
      assert.equal(body.userId, userId);
      assert.equal(body.tenantId, "public");
      assert.equal(body.sessionHandle, (login.body as { sessionHandle: string }).sessionHandle);
      assert.equal(body.accessTokenPayload.plan, "pro");
      assertUntouched(reply);
    },
  },
  {
    name: "no session: 401 unauthorised, nothing to clear",
    async run(ctx) {
      const reply = await ctx.client().get("/me");
      assertJsonBody(reply, 401, UNAUTHORISED);
      assertUntouched(reply);
    },
  },
  {
    name: "an access token that is not a JWT: 401 unauthorised, tokens kept",
    async run(ctx) {
      const client = ctx.client();
      client.setCookie("sAccessToken", "not-a-jwt");
      const reply = await client.get("/me");
      assertJsonBody(reply, 401, UNAUTHORISED);
      assertUntouched(reply);
    },
  },
  {
    name: "a tampered access token: 401 try refresh token, tokens kept",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const [header, payload, signature] = (client.cookieValue("sAccessToken") ?? "").split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
      claims.sub = "someone-else";
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
      const reply = await client.get("/me", { headers: { cookie: `sAccessToken=${forged}` }, cookies: false });
      assertJsonBody(reply, 401, TRY_REFRESH);
      assertUntouched(reply);
    },
  },
  {
    name: "an optional session route answers with or without a session",
    async run(ctx) {
      const client = ctx.client();
      assertJsonBody(await client.get("/optional"), 200, '{"userId":null}');
      const userId = newUser();
      await ctx.login(client, { userId });
      assertJsonBody(await client.get("/optional"), 200, JSON.stringify({ userId }));
    },
  },
  {
    name: "refresh rotates the refresh token and sends a new access token and front token",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const oldRefresh = refreshCookie(client);
      const oldAccess = client.cookieValue("sAccessToken");
      const reply = await client.post(REFRESH);
      assertJsonBody(reply, 200, "{}");
      const newRefresh = reply.cookie("sRefreshToken");
      const newAccess = reply.cookie("sAccessToken");
      assert.ok(newRefresh && newAccess, "refresh must set both cookies");
      assert.notEqual(newRefresh.value, oldRefresh);
      assert.notEqual(newAccess.value, oldAccess);
      assert.equal(newRefresh.attributes.path, REFRESH);
      assert.ok(reply.headers.get("front-token"), "a successful refresh must carry front-token");
      assertExposed(reply, "front-token");
      assert.equal((await client.get("/me")).status, 200);
    },
  },
  {
    name: "a client that lost the refresh response may retry with the previous token",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const first = refreshCookie(client);
      const a = await refreshWith(client, first);
      const b = await refreshWith(client, first);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200, `retry within the grace period must succeed: ${b.text}`);
      assert.equal(a.cookie("sRefreshToken")?.value, b.cookie("sRefreshToken")?.value, "the retry gets the same child token");
      const child = a.cookie("sRefreshToken")?.value ?? "";
      assert.equal((await refreshWith(client, child)).status, 200);
    },
  },
  {
    name: "parallel refreshes with one token all succeed and keep one family",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const token = refreshCookie(client);
      const replies = await Promise.all(Array.from({ length: 8 }, () => refreshWith(client, token)));
      for (const reply of replies) assert.equal(reply.status, 200, `parallel refresh: ${reply.text}`);
      const children = new Set(replies.map((r) => r.cookie("sRefreshToken")?.value));
      assert.equal(children.size, 1, "every parallel refresh must hand out the same child");
      const next = await refreshWith(client, [...children][0] ?? "");
      assert.equal(next.status, 200);
    },
  },
  {
    name: "reusing a refresh token two rotations old is theft: 401, tokens cleared, session revoked",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const first = refreshCookie(client);
      const second = (await refreshWith(client, first)).cookie("sRefreshToken")?.value ?? "";
      const third = (await refreshWith(client, second)).cookie("sRefreshToken")?.value ?? "";
      assert.ok(third && third !== second);
      const theft = await refreshWith(client, first);
      assertJsonBody(theft, 401, THEFT);
      assertCleared(theft);
      const after = await refreshWith(client, third);
      assertJsonBody(after, 401, UNAUTHORISED);
    },
  },
  {
    name: "refresh without a refresh token: 401 unauthorised, nothing to clear",
    async run(ctx) {
      const reply = await ctx.client().post(REFRESH);
      assertJsonBody(reply, 401, UNAUTHORISED);
      assertUntouched(reply);
    },
  },
  {
    name: "refresh with a garbage or forged refresh token: 401 unauthorised, tokens cleared, no theft",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client);
      const handle = (login.body as { sessionHandle: string }).sessionHandle;
      for (const token of ["garbage", `${handle}.${"A".repeat(43)}.${"B".repeat(22)}`]) {
        const reply = await refreshWith(client, token);
        assertJsonBody(reply, 401, UNAUTHORISED);
        assertCleared(reply);
      }
      // A forged token with the (public) session handle must not revoke the real session.
      assert.equal((await client.post(REFRESH)).status, 200);
    },
  },
  {
    name: "a refresh token in the query string is ignored",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const token = refreshCookie(client);
      const reply = await client.post(`${REFRESH}?refreshToken=${encodeURIComponent(token)}`, { cookies: false });
      assertJsonBody(reply, 401, UNAUTHORISED);
    },
  },
  {
    name: "signout revokes the session and clears the tokens",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const refresh = refreshCookie(client);
      const reply = await client.post(SIGNOUT);
      assertJsonBody(reply, 200, '{"status":"OK"}');
      assertCleared(reply);
      assertJsonBody(await refreshWith(client, refresh), 401, UNAUTHORISED);
    },
  },
  {
    name: "signout without a session: 401 unauthorised",
    async run(ctx) {
      assertJsonBody(await ctx.client().post(SIGNOUT), 401, UNAUTHORISED);
    },
  },
  {
    name: "session data lives in the database and can be updated",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client, { userId: newUser(), sessionData: { cart: ["a"], ключ: "значение 🎉" } });
      assertJsonBody(await client.get("/me/data"), 200, JSON.stringify({ sessionData: { cart: ["a"], ключ: "значение 🎉" } }));
      const put = await client.request("/me/data", { method: "PUT", json: { sessionData: { cart: [] } } });
      assert.equal(put.status, 200);
      assertJsonBody(await client.get("/me/data"), 200, '{"sessionData":{"cart":[]}}');
    },
  },
  {
    name: "merging into the payload sends new tokens, and a refresh keeps the payload",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client, { userId: newUser(), accessTokenPayload: { a: 1, b: 2 } });
      const before = client.cookieValue("sAccessToken");
      const reply = await client.request("/me/payload", { method: "PATCH", json: { accessTokenPayload: { b: null, c: 3 } } });
      assert.equal(reply.status, 200);
      const payload = (reply.body as { accessTokenPayload: Record<string, unknown> }).accessTokenPayload;
      assert.equal(payload.a, 1);
      assert.equal("b" in payload, false);
      assert.equal(payload.c, 3);
      assert.notEqual(reply.cookie("sAccessToken")?.value, before, "a new access token must be sent");
      const front = decodeFrontTokenHeader(reply.headers.get("front-token") ?? "");
      assert.equal(front.up.c, 3);
      assertExposed(reply, "front-token");
      assert.equal(((await client.get("/me")).body as { accessTokenPayload: Record<string, unknown> }).accessTokenPayload.c, 3);
      assert.equal((await client.post(REFRESH)).status, 200);
      const after = (await client.get("/me")).body as { accessTokenPayload: Record<string, unknown> };
      assert.equal(after.accessTokenPayload.c, 3);
      assert.equal("b" in after.accessTokenPayload, false);
    },
  },
  {
    name: "listing and revoking all of a user's sessions",
    async run(ctx) {
      const userId = newUser();
      const first = ctx.client();
      const second = ctx.client();
      const a = await ctx.login(first, { userId });
      const b = await ctx.login(second, { userId });
      const list = (await first.get("/me/sessions")).body as { sessionHandles: string[] };
      assert.deepEqual(
        [...list.sessionHandles].sort(),
        [(a.body as { sessionHandle: string }).sessionHandle, (b.body as { sessionHandle: string }).sessionHandle].sort(),
      );
      assertJsonBody(await first.post("/me/revoke-all"), 200, '{"revoked":2}');
      assertJsonBody(await second.post(REFRESH), 401, UNAUTHORISED);
    },
  },
  {
    name: "tenants: the session carries its tenant and listing is per tenant",
    async run(ctx) {
      const userId = newUser();
      const inTenant = ctx.client();
      const inPublic = ctx.client();
      await ctx.login(inTenant, { userId, tenantId: "tenant1" });
      await ctx.login(inPublic, { userId });
      const me = (await inTenant.get("/me")).body as { tenantId: string; accessTokenPayload: { tId: string } };
      assert.equal(me.tenantId, "tenant1");
      assert.equal(me.accessTokenPayload.tId, "tenant1");
      assert.equal(((await inTenant.get("/me/sessions")).body as { sessionHandles: string[] }).sessionHandles.length, 1);
    },
  },
  {
    name: "a failed claim validator answers 403 invalid claim",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client, { userId: newUser(), accessTokenPayload: { role: "user" } });
      const reply = await client.get("/admin/only");
      assertJsonBody(
        reply,
        403,
        '{"message":"invalid claim","claimValidationErrors":[{"id":"role","reason":{"message":"wrong value","expectedValue":"admin","actualValue":"user"}}]}',
      );
      assertUntouched(reply);
      const admin = ctx.client();
      await ctx.login(admin, { userId: newUser(), accessTokenPayload: { role: "admin" } });
      assert.equal((await admin.get("/admin/only")).status, 200);
    },
  },
  {
    name: "several sAccessToken cookies: 401 try refresh token",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const token = client.cookieValue("sAccessToken");
      const reply = await client.get("/me", { headers: { cookie: `sAccessToken=${token}; sAccessToken=${token}` }, cookies: false });
      assertJsonBody(reply, 401, TRY_REFRESH);
    },
  },
  {
    name: "a legacy sIdRefreshToken cookie asks for a refresh, and the refresh clears it",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      client.setCookie("sIdRefreshToken", "legacy");
      assertJsonBody(await client.get("/me"), 401, TRY_REFRESH);
      const reply = await client.post(REFRESH);
      assert.equal(reply.status, 200);
      assert.equal(reply.cookie("sIdRefreshToken")?.value, "");
      assert.equal((await client.get("/me")).status, 200);
    },
  },
  {
    name: "a Bearer token that is not Latch's is ignored in favour of the cookie",
    async run(ctx) {
      const client = ctx.client();
      const userId = newUser();
      await ctx.login(client, { userId });
      const reply = await client.get("/me", { headers: { authorization: "Bearer some-other-systems-token" } });
      assert.equal(reply.status, 200);
      assert.equal((reply.body as { userId: string }).userId, userId);
    },
  },
  {
    name: "sessions survive a restart of the app",
    async run(ctx) {
      if (ctx.env.LATCH_STORE?.startsWith("memory")) return;
      const client = ctx.client();
      const userId = newUser();
      await ctx.login(client, { userId });
      await ctx.restart();
      assert.equal(((await client.get("/me")).body as { userId: string }).userId, userId);
      assert.equal((await client.post(REFRESH)).status, 200);
      assert.equal((await client.get("/me")).status, 200);
    },
  },
];

const headerMode: ConformanceCase[] = [
  {
    name: "st-auth-mode: header gets tokens in headers, exposed to CORS, and no token cookies",
    async run(ctx) {
      const client = ctx.client();
      const reply = await ctx.login(client, { userId: newUser() }, { "st-auth-mode": "header" });
      assert.ok(reply.headers.get("st-access-token"), "no st-access-token header");
      assert.ok(reply.headers.get("st-refresh-token"), "no st-refresh-token header");
      assert.ok(reply.headers.get("front-token"), "no front-token header");
      assertExposed(reply, "st-access-token", "st-refresh-token", "front-token");
      assert.equal(reply.cookie("sAccessToken"), undefined);
      assert.equal(reply.cookie("sRefreshToken"), undefined);
    },
  },
  {
    name: "header mode: verify with Authorization Bearer, refresh with the refresh token as Bearer",
    async run(ctx) {
      const client = ctx.client();
      const userId = newUser();
      await ctx.login(client, { userId }, { "st-auth-mode": "header" });
      const me = await client.get("/me", { headers: { authorization: `Bearer ${client.accessToken}` } });
      assert.equal((me.body as { userId: string }).userId, userId);
      const oldRefresh = client.refreshToken;
      const refreshed = await client.post(REFRESH, { headers: { authorization: `Bearer ${oldRefresh}` } });
      assertJsonBody(refreshed, 200, "{}");
      assert.ok(refreshed.headers.get("st-refresh-token"));
      assert.notEqual(client.refreshToken, oldRefresh);
      assertExposed(refreshed, "st-access-token", "st-refresh-token", "front-token");
      const again = await client.get("/me", { headers: { authorization: `Bearer ${client.accessToken}` } });
      assert.equal(again.status, 200);
    },
  },
  {
    name: "header mode: a Bearer token is never CSRF-checked, and signout clears the header tokens",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client, { userId: newUser() }, { "st-auth-mode": "header" });
      const put = await client.request("/me/data", {
        method: "PUT",
        json: { sessionData: { x: 1 } },
        headers: { authorization: `Bearer ${client.accessToken}` },
      });
      assert.equal(put.status, 200);
      const out = await client.post(SIGNOUT, { headers: { authorization: `Bearer ${client.accessToken}` } });
      assertJsonBody(out, 200, '{"status":"OK"}');
      assert.equal(out.headers.get("st-access-token"), "");
      assert.equal(out.headers.get("st-refresh-token"), "");
      assert.equal(out.headers.get("front-token"), "remove");
    },
  },
];

const expiry: ConformanceCase[] = [
  {
    name: "an expired access token: 401 try refresh token; the refresh brings the session back",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      assertJsonBody(await client.get("/me"), 401, TRY_REFRESH);
      // The new access token lives one second too: on a loaded machine the next request may come
      // later than that. Such a 401 is right only when the front token says the token has expired,
      // and the client refreshes again, as a browser would; the session must come back.
      for (let attempt = 1; ; attempt++) {
        const refreshed = await client.post(REFRESH);
        assertJsonBody(refreshed, 200, "{}");
        const expiresAt = decodeFrontTokenHeader(refreshed.headers.get("front-token") ?? "").ate;
        const me = await client.get("/me");
        if (me.status === 200) break;
        assertJsonBody(me, 401, TRY_REFRESH);
        assert.ok(Date.now() >= expiresAt, `401 for an access token that expires at ${new Date(expiresAt).toISOString()}`);
        assert.ok(attempt < 5, "the session never came back after five refreshes");
      }
    },
  },
];

const customHeaderCsrf: ConformanceCase[] = [
  {
    name: "VIA_CUSTOM_HEADER: a non-GET request without rid gets 401 try refresh token; with rid it passes",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      assert.equal((await client.get("/me")).status, 200, "GET is not CSRF-checked");
      const body = { sessionData: { x: 1 } };
      assertJsonBody(await client.request("/me/data", { method: "PUT", json: body }), 401, TRY_REFRESH);
      assert.equal((await client.request("/me/data", { method: "PUT", json: body, headers: { rid: "session" } })).status, 200);
    },
  },
  {
    name: "VIA_CUSTOM_HEADER: refresh without rid is 401 unauthorised with tokens cleared",
    async run(ctx) {
      const client = ctx.client();
      await ctx.login(client);
      const token = refreshCookie(client);
      const reply = await refreshWith(client, token);
      assertJsonBody(reply, 401, UNAUTHORISED);
      assertCleared(reply);
      assert.equal((await refreshWith(client, token, { rid: "session" })).status, 200);
    },
  },
  {
    name: "different sites: SameSite=None cookies",
    async run(ctx) {
      const reply = await ctx.login(ctx.client());
      assert.equal(reply.cookie("sAccessToken")?.attributes.samesite?.toLowerCase(), "none");
      assert.equal(reply.cookie("sRefreshToken")?.attributes.samesite?.toLowerCase(), "none");
    },
  },
];

const tokenCsrf: ConformanceCase[] = [
  {
    name: "VIA_TOKEN: login sends an exposed anti-csrf header; non-GET requests must echo it",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client);
      const token = login.headers.get("anti-csrf");
      assert.ok(token, "no anti-csrf header");
      assertExposed(login, "anti-csrf");
      const body = { sessionData: { x: 1 } };
      assertJsonBody(await client.request("/me/data", { method: "PUT", json: body }), 401, TRY_REFRESH);
      assertJsonBody(await client.request("/me/data", { method: "PUT", json: body, headers: { "anti-csrf": "wrong" } }), 401, TRY_REFRESH);
      assert.equal((await client.request("/me/data", { method: "PUT", json: body, headers: { "anti-csrf": token } })).status, 200);
      assert.equal((await client.get("/me")).status, 200, "GET is not CSRF-checked");
    },
  },
  {
    name: "VIA_TOKEN: refresh must echo the current token and gets a new one",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client);
      const token = login.headers.get("anti-csrf") ?? "";
      const refresh = refreshCookie(client);
      assertJsonBody(await refreshWith(client, refresh), 401, UNAUTHORISED);
      const reply = await refreshWith(client, refresh, { "anti-csrf": token });
      assertJsonBody(reply, 200, "{}");
      const next = reply.headers.get("anti-csrf");
      assert.ok(next && next !== token, "refresh must send a new anti-csrf token");
    },
  },
  {
    name: "VIA_TOKEN: a token of another session is refused",
    async run(ctx) {
      const mine = ctx.client();
      const other = ctx.client();
      await ctx.login(mine);
      const otherToken = (await ctx.login(other)).headers.get("anti-csrf") ?? "";
      const reply = await mine.request("/me/data", { method: "PUT", json: { sessionData: {} }, headers: { "anti-csrf": otherToken } });
      assertJsonBody(reply, 401, TRY_REFRESH);
    },
  },
];

const strictCookies: ConformanceCase[] = [
  {
    name: "cookieSameSite strict is honoured",
    async run(ctx) {
      const reply = await ctx.login(ctx.client());
      assert.equal(reply.cookie("sAccessToken")?.attributes.samesite?.toLowerCase(), "strict");
    },
  },
];

export function conformanceGroups(): ConformanceGroup[] {
  return [
    { name: "cookie mode (defaults)", env: {}, cases: [...cookieMode, ...deviceCases] },
    { name: "header mode", env: {}, cases: headerMode },
    { name: "access token expiry", env: { LATCH_ACCESS_TOKEN_VALIDITY: "1" }, cases: expiry },
    {
      name: "anti-CSRF VIA_CUSTOM_HEADER (website on another site)",
      env: { LATCH_WEBSITE_DOMAIN: "http://localhost:5173" },
      cases: customHeaderCsrf,
    },
    // With a refresh-token secret too (an optional variable of the examples), so every adapter shows
    // refresh works end to end with it.
    {
      name: "anti-CSRF VIA_TOKEN, with a refresh-token secret",
      env: { LATCH_ANTI_CSRF: "VIA_TOKEN", LATCH_REFRESH_TOKEN_SECRET: "conformance-secret-0123456789abcdefghijklmnop" },
      cases: tokenCsrf,
    },
    { name: "cookie SameSite strict", env: { LATCH_COOKIE_SAME_SITE: "strict" }, cases: strictCookies },
    { name: "session cap (LATCH_MAX_SESSIONS_PER_USER=2)", env: { LATCH_MAX_SESSIONS_PER_USER: "2" }, cases: sessionCapCases },
    { name: "security: hostile input", env: {}, cases: securityCases },
    { name: "security: CSRF with VIA_TOKEN", env: { LATCH_ANTI_CSRF: "VIA_TOKEN" }, cases: securityCsrfCases },
    {
      name: "security: CSRF with VIA_CUSTOM_HEADER (website on another site)",
      env: { LATCH_WEBSITE_DOMAIN: "http://localhost:5173" },
      cases: securityCustomHeaderCases,
    },
    { name: "store outage (PostgreSQL through a proxy)", env: {}, cases: outageCases, throughOutageProxy: true },
    { name: "fleet revocation (two servers on one store)", env: {}, cases: fleetRevocationCases, twoServers: true },
  ];
}
