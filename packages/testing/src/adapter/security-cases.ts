import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ConformanceCase } from "./cases";
import type { HttpClient, Reply } from "./http-client";
import { rawRequest } from "./raw-request";

// Hostile input over HTTP, for every adapter. The standards each family exercises:
// tokens: RFC 8725 §3.1-3.2, §3.10 (JWT best practice); refresh: RFC 9700 §4.14.2 (rotation and
// reuse detection); cookies and headers: RFC 6265bis §5.6; CSRF: OWASP ASVS v4 3.5.x and 4.2.2;
// API input: ASVS v4 5.1.x. The rule everywhere: the documented status, never a 5xx, never accepted.

const UNAUTHORISED = '{"message":"unauthorised"}';
const TRY_REFRESH = '{"message":"try refresh token"}';
const REFRESH = "/auth/session/refresh";

function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function assertRefused(reply: Reply, what: string): void {
  assert.ok(
    reply.text === UNAUTHORISED || reply.text === TRY_REFRESH,
    `${what}: expected 401 unauthorised or try refresh token, got ${reply.status} ${reply.text}`,
  );
  assert.equal(reply.status, 401, what);
}

async function me(client: HttpClient, accessToken: string): Promise<Reply> {
  return client.get("/me", { headers: { cookie: `sAccessToken=${accessToken}` }, cookies: false });
}

async function loggedIn(ctx: Parameters<ConformanceCase["run"]>[0], userId = `user-${randomUUID()}`) {
  const client = ctx.client();
  await ctx.login(client, { userId, accessTokenPayload: { role: "user" } });
  return { client, userId, accessToken: client.cookieValue("sAccessToken") ?? "" };
}

export const securityCases: ConformanceCase[] = [
  {
    name: "tokens (RFC 8725): tampered, alg none, unknown or hostile kid, truncated, huge, not base64url are all refused",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      const [header = "", payload = "", signature = ""] = accessToken.split(".");
      const h = JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>;
      const p = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
      const hostile: Array<[string, string]> = [
        ["tampered payload", `${header}.${b64url({ ...p, role: "admin" })}.${signature}`],
        ["tampered sub", `${header}.${b64url({ ...p, sub: "admin" })}.${signature}`],
        ["alg none", `${b64url({ ...h, alg: "none" })}.${payload}.`],
        ["alg none with signature", `${b64url({ ...h, alg: "none" })}.${payload}.${signature}`],
        ["HS256 header", `${b64url({ ...h, alg: "HS256" })}.${payload}.${signature}`],
        ["unknown kid", `${b64url({ ...h, kid: "unknown" })}.${payload}.${signature}`],
        ["kid path trick", `${b64url({ ...h, kid: "../../../../etc/passwd" })}.${payload}.${signature}`],
        ["kid SQL trick", `${b64url({ ...h, kid: "' OR 1=1 --" })}.${payload}.${signature}`],
        ["truncated", accessToken.slice(0, -12)],
        ["two parts", `${header}.${payload}`],
        ["not base64url", `${header}.${payload}!.${signature}`],
        ["huge", `${header}.${"A".repeat(6000)}.${signature}`],
        ["other tenant claimed", `${header}.${b64url({ ...p, tId: "other-tenant" })}.${signature}`],
      ];
      for (const [what, token] of hostile) assertRefused(await me(client, token), what);
      assert.equal((await me(client, accessToken)).status, 200, "the genuine token still works");
    },
  },
  {
    name: "refresh (RFC 9700): an access token, or a token of another session, is not a refresh token",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      const other = await loggedIn(ctx);
      const reply = await client.post(REFRESH, { headers: { cookie: `sRefreshToken=${accessToken}` }, cookies: false });
      assert.equal(reply.text, UNAUTHORISED);
      const [, nonce, tag] = (other.client.cookieValue("sRefreshToken") ?? "").split(".");
      const handle = (JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()) as { sessionHandle: string })
        .sessionHandle;
      const spliced = await client.post(REFRESH, { headers: { cookie: `sRefreshToken=${handle}.${nonce}.${tag}` }, cookies: false });
      assert.equal(spliced.text, UNAUTHORISED, "a nonce of another session must not refresh this one");
      assert.equal((await client.post(REFRESH)).status, 200, "the victim's session is intact");
      assert.equal((await other.client.post(REFRESH)).status, 200, "the other session is intact");
    },
  },
  {
    name: "cookies (RFC 6265bis): malformed Cookie headers never cause a 5xx",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      for (const cookie of [
        "sAccessToken",
        "=;;=",
        'sAccessToken="unterminated',
        "sAccessToken=%E0%A4%A",
        ";;;",
        `a=b; sAccessToken=${accessToken}=extra`,
      ]) {
        const reply = await client.get("/me", { headers: { cookie }, cookies: false });
        assert.ok(reply.status < 500, `Cookie: ${cookie} gave ${reply.status}`);
        assert.ok([401].includes(reply.status), `Cookie: ${cookie} gave ${reply.status} ${reply.text}`);
      }
    },
  },
  {
    name: "cookies: control characters and a 64 KB Cookie header get a 4xx, and the server lives on",
    async run(ctx) {
      const host = new URL(ctx.baseUrl).host;
      const control = await rawRequest(
        ctx.baseUrl,
        `GET /me HTTP/1.1\r\nHost: ${host}\r\nCookie: sAccessToken=a\u0001b\u007fc\r\nConnection: close`,
      );
      assert.ok(control === 0 || (control >= 400 && control < 500), `control characters gave ${control}`);
      const huge = await rawRequest(
        ctx.baseUrl,
        `GET /me HTTP/1.1\r\nHost: ${host}\r\nCookie: sAccessToken=${"x".repeat(65_536)}\r\nConnection: close`,
      );
      assert.ok(huge === 0 || (huge >= 400 && huge < 500), `a 64 KB cookie gave ${huge}`);
      assert.equal((await ctx.client().get("/public")).status, 200, "the server still answers");
    },
  },
  {
    name: "headers: other Authorization schemes are ignored, and a Latch Bearer token wins over the cookie",
    async run(ctx) {
      const cookieUser = await loggedIn(ctx);
      const headerClient = ctx.client();
      const headerUserId = `user-${randomUUID()}`;
      await ctx.login(headerClient, { userId: headerUserId }, { "st-auth-mode": "header" });
      const basic = await cookieUser.client.get("/me", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
      assert.equal((basic.body as { userId: string }).userId, cookieUser.userId);
      const mixed = await cookieUser.client.get("/me", { headers: { authorization: `Bearer ${headerClient.accessToken}` } });
      assert.equal((mixed.body as { userId: string }).userId, headerUserId, "the Bearer token's session is used");
    },
  },
  {
    name: "input (ASVS 5.1): hostile user ids and payloads get 400, never 5xx, and no prototype pollution",
    async run(ctx) {
      const client = ctx.client();
      const bodies: unknown[] = [
        { userId: ["array"] },
        { userId: { $ne: "" } },
        { userId: "x".repeat(10_240) },
        { userId: "null\u0000byte" },
        { userId: "new\nline" },
        { userId: "ok", accessTokenPayload: { exp: 9_999_999_999 } },
        { userId: "ok", accessTokenPayload: { sessionHandle: "x" } },
        { userId: "ok", accessTokenPayload: JSON.parse('{"__proto__":{"polluted":true}}') },
        { userId: "ok", accessTokenPayload: "not an object" },
        { userId: "ok", sessionData: [1, 2, 3] },
        { userId: "ok", tenantId: "../../etc" },
      ];
      for (const body of bodies) {
        const reply = await client.post("/login", { json: body });
        assert.equal(reply.status, 400, `${JSON.stringify(body).slice(0, 80)} gave ${reply.status} ${reply.text.slice(0, 200)}`);
      }
      const big = await client.post("/login", { json: { userId: "ok", accessTokenPayload: { blob: "x".repeat(1024 * 1024) } } });
      assert.ok(big.status === 400 || big.status === 413, `a 1 MB payload gave ${big.status}`);
      assert.equal((await client.get("/public")).status, 200);
    },
  },
];

export const securityCsrfCases: ConformanceCase[] = [
  {
    name: "CSRF (ASVS 4.2.2) VIA_TOKEN: missing, wrong and replayed tokens on POST, PUT, PATCH; GET is not checked",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client, { userId: `user-${randomUUID()}` });
      const first = login.headers.get("anti-csrf") ?? "";
      const refreshed = await client.post(REFRESH, { headers: { "anti-csrf": first } });
      assert.equal(refreshed.status, 200);
      const current = refreshed.headers.get("anti-csrf") ?? "";
      const attempts: Array<[string, string, unknown]> = [
        ["PUT", "/me/data", { sessionData: {} }],
        ["PATCH", "/me/payload", { accessTokenPayload: { x: 1 } }],
        ["POST", "/me/revoke-all", undefined],
      ];
      for (const [method, path, json] of attempts) {
        for (const token of [undefined, "wrong", first]) {
          const headers: Record<string, string> = token === undefined ? {} : { "anti-csrf": token };
          const reply = await client.request(path, { method, json, headers });
          assert.equal(reply.text, TRY_REFRESH, `${method} ${path} with anti-csrf ${token ?? "(none)"}: ${reply.status} ${reply.text}`);
        }
      }
      assert.equal((await client.get("/me")).status, 200);
      assert.equal(
        (await client.request("/me/data", { method: "PUT", json: { sessionData: {} }, headers: { "anti-csrf": current } })).status,
        200,
      );
    },
  },
];
