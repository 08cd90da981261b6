import assert from "node:assert/strict";
import { createHmac, createPublicKey, type JsonWebKey, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { ConformanceCase } from "./cases";
import type { ConformanceContext } from "./context";
import type { HttpClient, Reply } from "./http-client";
import { rawRequest } from "./raw-request";

// Hostile input over HTTP, for every adapter (issue 9). The standard each family exercises:
// - tokens: RFC 8725 §2.1, §3.1 (verify the algorithm), §3.2, §3.10 (do not trust received
//   claims), §3.11 (typ); OWASP ASVS v4 3.5.3;
// - refresh: RFC 9700 §4.14.2 (rotation, reuse revokes the family); ASVS 3.3.1;
// - cookies and headers: RFC 6265bis §5.6 (parsing the Cookie header), §5.4 (duplicate names); ASVS 3.4;
// - CSRF: ASVS 4.2.2 and 3.4.3, in each anti-CSRF mode;
// - input: ASVS 5.1.3/5.1.4 (validated, typed input), 5.5.x (no prototype pollution).
// The rule everywhere: exactly the status and body protocol.md gives, never a 5xx, never accepted.

const UNAUTHORISED = '{"message":"unauthorised"}';
const TRY_REFRESH = '{"message":"try refresh token"}';
const THEFT = '{"message":"token theft detected"}';
const REFRESH = "/auth/session/refresh";
const SIGNOUT = "/auth/signout";

function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? "", "base64url").toString()) as Record<string, unknown>;
}

/** 401 with exactly this body. */
function assertStatus401(reply: Reply, text: string, what: string): void {
  assert.equal(reply.status, 401, `${what}: expected 401 ${text}, got ${reply.status} ${reply.text.slice(0, 200)}`);
  assert.equal(reply.text, text, what);
}

/** Refused as the protocol says for an access token, with the client's tokens kept (nothing cleared). */
function assertRefusedKept(reply: Reply, text: string, what: string): void {
  assertStatus401(reply, text, what);
  assert.equal(reply.setCookies.length, 0, `${what}: no cookie may be touched (${reply.setCookies.map((c) => c.raw).join(" | ")})`);
  assert.equal(reply.headers.get("front-token"), null, `${what}: the front token is kept`);
}

/** Cleared: both cookies expire and the front token says remove. */
function assertCleared(reply: Reply, what: string): void {
  for (const name of ["sAccessToken", "sRefreshToken"]) assert.equal(reply.cookie(name)?.value, "", `${what}: ${name} must be cleared`);
  assert.equal(reply.headers.get("front-token"), "remove", what);
}

function me(client: HttpClient, accessToken: string): Promise<Reply> {
  return client.get("/me", { headers: { cookie: `sAccessToken=${accessToken}` }, cookies: false });
}

function refreshWith(client: HttpClient, refreshToken: string, headers: Record<string, string> = {}): Promise<Reply> {
  return client.post(REFRESH, { headers: { cookie: `sRefreshToken=${refreshToken}`, ...headers }, cookies: false });
}

async function loggedIn(ctx: ConformanceContext, userId = `user-${randomUUID()}`, tenantId?: string) {
  const client = ctx.client();
  const login = await ctx.login(client, { userId, accessTokenPayload: { role: "user" }, ...(tenantId ? { tenantId } : {}) });
  const accessToken = client.cookieValue("sAccessToken") ?? "";
  const refreshToken = client.cookieValue("sRefreshToken") ?? "";
  return { client, userId, accessToken, refreshToken, login, sessionHandle: (login.body as { sessionHandle: string }).sessionHandle };
}

/**
 * A 1 MB login body: 400 or 413, or the server answers 413 and closes the connection before the
 * client has finished sending (Fastify's body limit; Node 22's fetch then fails with EPIPE or
 * ECONNRESET instead of reading the answer). Any other failure is thrown.
 */
async function oversizeLoginStatus(client: HttpClient, field: string): Promise<number | "closed"> {
  try {
    return (await client.post("/login", { json: { userId: "ok", [field]: { blob: "x".repeat(1024 * 1024) } } })).status;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === "EPIPE" || code === "ECONNRESET") return "closed";
    throw error;
  }
}

async function serverJwks(client: HttpClient): Promise<JWK[]> {
  const reply = await client.get("/auth/jwt/jwks.json");
  assert.equal(reply.status, 200);
  return (reply.body as { keys: JWK[] }).keys;
}

const tokenCases: ConformanceCase[] = [
  {
    name: "tokens (RFC 8725 §3.1, §3.10): tampered, alg none, hostile kid, truncated, huge, not base64url: the exact 401, tokens kept",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      const [header = "", payload = "", signature = ""] = accessToken.split(".");
      const h = decodePart(header);
      const p = decodePart(payload);
      // Structurally Latch's but not verifiable: try refresh token. Not even a Latch JWT: unauthorised.
      const hostile: Array<[string, string, string]> = [
        ["tampered payload", `${header}.${b64url({ ...p, role: "admin" })}.${signature}`, TRY_REFRESH],
        ["tampered sub", `${header}.${b64url({ ...p, sub: "admin", rsub: "admin" })}.${signature}`, TRY_REFRESH],
        ["tampered exp", `${header}.${b64url({ ...p, exp: (p.exp as number) + 86_400 })}.${signature}`, TRY_REFRESH],
        ["tampered header typ", `${b64url({ ...h, typ: "at+jwt" })}.${payload}.${signature}`, TRY_REFRESH],
        ["tampered header crit", `${b64url({ ...h, crit: ["exp"] })}.${payload}.${signature}`, TRY_REFRESH],
        ["header with jku", `${b64url({ ...h, jku: "https://evil.example/jwks.json" })}.${payload}.${signature}`, TRY_REFRESH],
        ["alg none, empty signature", `${b64url({ ...h, alg: "none" })}.${payload}.`, UNAUTHORISED],
        ["alg none with a signature", `${b64url({ ...h, alg: "none" })}.${payload}.${signature}`, TRY_REFRESH],
        ["alg NONE", `${b64url({ ...h, alg: "NONE" })}.${payload}.${signature}`, TRY_REFRESH],
        ["HS256 header, original signature", `${b64url({ ...h, alg: "HS256" })}.${payload}.${signature}`, TRY_REFRESH],
        ["unknown kid", `${b64url({ ...h, kid: "unknown" })}.${payload}.${signature}`, TRY_REFRESH],
        ["kid path trick", `${b64url({ ...h, kid: "../../../../etc/passwd" })}.${payload}.${signature}`, TRY_REFRESH],
        ["kid SQL trick", `${b64url({ ...h, kid: "' OR 1=1 --" })}.${payload}.${signature}`, TRY_REFRESH],
        ["kid with NUL", `${b64url({ ...h, kid: "a\u0000b" })}.${payload}.${signature}`, TRY_REFRESH],
        ["kid not a string", `${b64url({ ...h, kid: 7 })}.${payload}.${signature}`, UNAUTHORISED],
        ["signature truncated", accessToken.slice(0, -12), TRY_REFRESH],
        ["signature of another token", `${header}.${payload}.${b64url("x".repeat(256))}`, TRY_REFRESH],
        ["two parts", `${header}.${payload}`, UNAUTHORISED],
        ["four parts", `${accessToken}.${signature}`, UNAUTHORISED],
        ["not base64url", `${header}.${payload}!.${signature}`, UNAUTHORISED],
        ["payload not JSON", `${header}.${b64url("{not json")}.${signature}`, UNAUTHORISED],
        ["payload not Latch's (no sessionHandle)", `${header}.${b64url({ ...p, sessionHandle: undefined })}.${signature}`, UNAUTHORISED],
        ["huge", `${header}.${"A".repeat(12_000)}.${signature}`, UNAUTHORISED],
        ["empty", "", UNAUTHORISED],
      ];
      for (const [what, token, expected] of hostile) assertRefusedKept(await me(client, token), expected, what);
      assert.equal((await me(client, accessToken)).status, 200, "the genuine token still works");
    },
  },
  {
    name: "tokens (RFC 8725 §3.1, §3.2): HS256 signed with the server's public key, and valid JWTs of another key set, are refused",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      const [header = "", payload = ""] = accessToken.split(".");
      const h = decodePart(header);
      const claims = { ...decodePart(payload), role: "admin" };
      const [serverKey] = await serverJwks(client);
      assert.ok(serverKey?.kid && serverKey.alg, "the JWKS names kid and alg");
      const pem = createPublicKey({ key: serverKey as JsonWebKey, format: "jwk" })
        .export({ format: "pem", type: "spki" })
        .toString();
      // Algorithm confusion: the public key (which anyone can fetch) used as an HMAC secret.
      for (const [what, secret] of [
        ["the JWK as JSON", JSON.stringify(serverKey)],
        ["the PEM", pem],
      ] as const) {
        const input = `${b64url({ ...h, alg: "HS256" })}.${b64url(claims)}`;
        const forged = `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
        assertRefusedKept(await me(client, forged), TRY_REFRESH, `HS256 with ${what}`);
      }
      // A well-formed, correctly signed token from a key the server never issued.
      const alg = serverKey.alg;
      const own = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
      const ownJwk = { ...(await exportJWK(own.publicKey)), kid: "attacker-key", alg };
      const sign = (protectedHeader: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT", ...protectedHeader }).sign(own.privateKey);
      assertRefusedKept(await me(client, await sign({ kid: "attacker-key" })), TRY_REFRESH, "another key set, its own kid");
      assertRefusedKept(await me(client, await sign({ kid: serverKey.kid })), TRY_REFRESH, "another key set, the server's kid");
      assertRefusedKept(await me(client, await sign({ kid: serverKey.kid, jwk: ownJwk })), TRY_REFRESH, "embedded jwk header");
      assert.equal((await me(client, accessToken)).status, 200, "the genuine token still works");
    },
  },
  {
    name: "tokens (RFC 8725 §3.10): a session of another tenant only ever acts in its own tenant, and a forged tId is refused",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const inTenant = await loggedIn(ctx, userId, "tenant-a");
      const inPublic = await loggedIn(ctx, userId);
      const seen = (await inTenant.client.get("/me")).body as { tenantId: string };
      assert.equal(seen.tenantId, "tenant-a");
      // The tenant-scoped route answers for the token's tenant, never the one the client would like.
      const listed = (await inTenant.client.get("/me/sessions")).body as { sessionHandles: string[] };
      assert.deepEqual(listed.sessionHandles, [inTenant.sessionHandle]);
      const [header, payload = "", signature] = inPublic.accessToken.split(".");
      const forged = `${header}.${b64url({ ...decodePart(payload), tId: "tenant-a" })}.${signature}`;
      const reply = await inPublic.client.get("/me/sessions", { headers: { cookie: `sAccessToken=${forged}` }, cookies: false });
      assertRefusedKept(reply, TRY_REFRESH, "a public-tenant token claiming tenant-a");
    },
  },
];

const refreshCases: ConformanceCase[] = [
  {
    name: "refresh (RFC 9700 §4.14.2): an access token, a token of another session, or a garbage token is not a refresh token",
    async run(ctx) {
      const { client, accessToken, refreshToken, sessionHandle } = await loggedIn(ctx);
      const other = await loggedIn(ctx);
      const [, nonce, tag] = other.refreshToken.split(".");
      for (const [what, token] of [
        ["the access token", accessToken],
        ["another session's nonce and tag on this handle", `${sessionHandle}.${nonce}.${tag}`],
        ["garbage", "garbage"],
        ["a refresh token with a flipped character", refreshToken.slice(0, -1) + (refreshToken.endsWith("A") ? "B" : "A")],
        ["a refresh token with a suffix", `${refreshToken}x`],
        ["a huge token", "A".repeat(8_000)],
      ]) {
        const reply = await refreshWith(client, token ?? "");
        assertStatus401(reply, UNAUTHORISED, what ?? "");
        assertCleared(reply, what ?? "");
      }
      const bearer = await client.post(REFRESH, { headers: { authorization: `Bearer ${accessToken}` }, cookies: false });
      assertStatus401(bearer, UNAUTHORISED, "an access token as the Bearer of a refresh");
      assert.equal((await refreshWith(client, refreshToken)).status, 200, "none of that touched the victim's session");
      assert.equal((await refreshWith(client, other.refreshToken)).status, 200, "nor the other session");
    },
  },
  {
    name: "refresh (RFC 9700 §4.14.2): reuse after rotation is theft: the family is revoked at once, the user's other sessions live on",
    async run(ctx) {
      const victim = await loggedIn(ctx);
      const sibling = await loggedIn(ctx, victim.userId);
      const second = (await refreshWith(victim.client, victim.refreshToken)).cookie("sRefreshToken")?.value ?? "";
      const third = await refreshWith(victim.client, second);
      assert.equal(third.status, 200);
      const current = third.cookie("sRefreshToken")?.value ?? "";
      const currentAccess = third.cookie("sAccessToken")?.value ?? "";
      const theft = await refreshWith(victim.client, victim.refreshToken);
      assertStatus401(theft, THEFT, "the stolen token comes back");
      assertCleared(theft, "theft");
      assertStatus401(await refreshWith(victim.client, current), UNAUTHORISED, "the family's newest token is revoked too");
      const data = await victim.client.get("/me/data", { headers: { cookie: `sAccessToken=${currentAccess}` }, cookies: false });
      assertStatus401(data, UNAUTHORISED, "a route that reads the store sees the revocation at once");
      assert.equal((await sibling.client.get("/me/data")).status, 200, "another session of the user is not part of the family");
      assert.equal((await sibling.client.post(REFRESH)).status, 200);
    },
  },
  {
    name: "refresh (RFC 9700 §4.14.2): a session revoked from another device, or signed out, refreshes to 401 unauthorised",
    async run(ctx) {
      const first = await loggedIn(ctx);
      const second = await loggedIn(ctx, first.userId);
      assert.equal((await first.client.post("/me/revoke-all")).status, 200);
      const revoked = await second.client.post(REFRESH);
      assertStatus401(revoked, UNAUTHORISED, "refresh of a revoked session");
      assertCleared(revoked, "refresh of a revoked session");
      const third = await loggedIn(ctx);
      assert.equal((await third.client.post(SIGNOUT)).status, 200);
      assertStatus401(await refreshWith(third.client, third.refreshToken), UNAUTHORISED, "refresh after signout");
    },
  },
  {
    name: "refresh (ASVS 3.1.1): a refresh token in the query string or the body is ignored",
    async run(ctx) {
      const { client, refreshToken } = await loggedIn(ctx);
      const query = await client.post(`${REFRESH}?sRefreshToken=${encodeURIComponent(refreshToken)}`, { cookies: false });
      assertStatus401(query, UNAUTHORISED, "query string");
      const body = await client.post(REFRESH, { json: { refreshToken, sRefreshToken: refreshToken }, cookies: false });
      assertStatus401(body, UNAUTHORISED, "JSON body");
      assert.equal((await refreshWith(client, refreshToken)).status, 200, "the token was not consumed");
    },
  },
];

const cookieCases: ConformanceCase[] = [
  {
    name: "cookies (RFC 6265bis §5.6): malformed Cookie headers get the exact 401, never a 5xx, and junk around a valid cookie is skipped",
    async run(ctx) {
      const { client, accessToken } = await loggedIn(ctx);
      for (const cookie of [
        "sAccessToken",
        "=;;=",
        'sAccessToken="unterminated',
        "sAccessToken=%E0%A4%A",
        "sAccessToken=%00%0d%0a",
        ";;;",
        `a=b; sAccessToken=${accessToken}=extra`,
        `sAccessToken=${"é".repeat(100)}`,
      ]) {
        assertRefusedKept(await client.get("/me", { headers: { cookie }, cookies: false }), UNAUTHORISED, `Cookie: ${cookie.slice(0, 60)}`);
      }
      for (const cookie of [`;;=; noequals; sAccessToken=${accessToken}; x=%`, `sAccessToken="${accessToken}"`]) {
        assert.equal((await client.get("/me", { headers: { cookie }, cookies: false })).status, 200, `Cookie: ${cookie.slice(0, 30)}`);
      }
    },
  },
  {
    name: "cookies (RFC 6265bis §5.4): several sAccessToken cookies (an older cookie domain) ask for a refresh, whatever their order",
    async run(ctx) {
      const mine = await loggedIn(ctx);
      const other = await loggedIn(ctx);
      for (const [what, cookie] of [
        ["the same token twice", `sAccessToken=${mine.accessToken}; sAccessToken=${mine.accessToken}`],
        ["two sessions' tokens", `sAccessToken=${other.accessToken}; sAccessToken=${mine.accessToken}`],
        ["a stale non-JWT first", `sAccessToken=old-domain-value; sAccessToken=${mine.accessToken}`],
        ["a stale non-JWT last", `sAccessToken=${mine.accessToken}; sAccessToken=old-domain-value`],
      ]) {
        assertStatus401(await mine.client.get("/me", { headers: { cookie: cookie ?? "" }, cookies: false }), TRY_REFRESH, what ?? "");
      }
    },
  },
  {
    name: "cookies (RFC 6265bis §5.4): several sRefreshToken cookies, one of them stale, refresh without a false theft",
    async run(ctx) {
      const { client, refreshToken: stale } = await loggedIn(ctx);
      const second = (await refreshWith(client, stale)).cookie("sRefreshToken")?.value ?? "";
      const current = (await refreshWith(client, second)).cookie("sRefreshToken")?.value ?? "";
      // The stale token (two rotations old) on the old domain, the current one on the new.
      const first = await refreshWith(client, stale, { cookie: `sRefreshToken=${stale}; sRefreshToken=${current}` });
      assert.equal(first.status, 200, `stale cookie first: ${first.text}`);
      const next = first.cookie("sRefreshToken")?.value ?? "";
      const last = await refreshWith(client, next, { cookie: `sRefreshToken=${next}; sRefreshToken=${stale}` });
      assert.equal(last.status, 200, `stale cookie last: ${last.text}`);
      assert.equal((await refreshWith(client, last.cookie("sRefreshToken")?.value ?? "")).status, 200, "the session lives on");
    },
  },
  {
    name: "cookies (RFC 6265bis §5.4): a refresh cookie planted by a sibling subdomain never swaps the victim into another session, in either order",
    async run(ctx) {
      const victim = await loggedIn(ctx);
      const attacker = await loggedIn(ctx);
      for (const [what, cookie] of [
        ["attacker's first", `sRefreshToken=${attacker.refreshToken}; sRefreshToken=${victim.refreshToken}`],
        ["attacker's last", `sRefreshToken=${victim.refreshToken}; sRefreshToken=${attacker.refreshToken}`],
      ] as const) {
        const reply = await refreshWith(victim.client, "", { cookie });
        assertStatus401(reply, UNAUTHORISED, what);
        assertCleared(reply, what);
      }
      // Nothing rotated: both sessions refresh with the very tokens they had.
      assert.equal((await refreshWith(victim.client, victim.refreshToken)).status, 200, "the victim's own token still works alone");
      assert.equal(
        (await refreshWith(attacker.client, attacker.refreshToken)).status,
        200,
        "the attacker's session was not rotated either",
      );
    },
  },
  {
    name: "cookies (RFC 9700 §4.14.2): a second refresh cookie, forged or of another session, never hides a theft, in either order",
    async run(ctx) {
      for (const order of ["extra first", "extra last"] as const) {
        for (const extraKind of ["forged", "another session's"] as const) {
          const { client, refreshToken: stolen } = await loggedIn(ctx);
          const other = await loggedIn(ctx);
          const rotated = await refreshWith(client, stolen);
          await refreshWith(client, rotated.cookie("sRefreshToken")?.value ?? "");
          const [handle] = stolen.split(".");
          const extra =
            extraKind === "forged" ? `${handle}.${b64url(randomUUID() + randomUUID()).slice(0, 43)}.${"A".repeat(22)}` : other.refreshToken;
          const cookie =
            order === "extra first" ? `sRefreshToken=${extra}; sRefreshToken=${stolen}` : `sRefreshToken=${stolen}; sRefreshToken=${extra}`;
          const what = `${extraKind} token ${order}`;
          const reply = await refreshWith(client, "", { cookie });
          assertStatus401(reply, THEFT, what);
          assertCleared(reply, what);
          assert.equal(
            (await refreshWith(client, rotated.cookie("sRefreshToken")?.value ?? "")).status,
            401,
            `${what}: the family is revoked`,
          );
          if (extraKind === "another session's") {
            assert.equal((await refreshWith(other.client, other.refreshToken)).status, 200, `${what}: the other session lives on`);
          }
        }
      }
    },
  },
  {
    name: "cookies: forged refresh cookies as padding: a few are examined, more are refused at once; the session lives on",
    async run(ctx) {
      const { client, refreshToken } = await loggedIn(ctx);
      const forged = (n: number) =>
        Array.from(
          { length: n },
          () => `sRefreshToken=${randomUUID()}.${b64url(randomUUID() + randomUUID()).slice(0, 43)}.${"B".repeat(22)}`,
        );
      const padded = await refreshWith(client, "", { cookie: [...forged(3), `sRefreshToken=${refreshToken}`].join("; ") });
      assert.equal(padded.status, 200, `three forged cookies and the real one: ${padded.text}`);
      const next = padded.cookie("sRefreshToken")?.value ?? "";
      const flooded = await refreshWith(client, "", { cookie: [...forged(60), `sRefreshToken=${next}`].join("; ") });
      assertStatus401(flooded, UNAUTHORISED, "60 forged cookies");
      const again = await refreshWith(client, next);
      assert.equal(again.status, 200, `the session was not touched by the flood: ${again.text}`);
    },
  },
  {
    name: "cookies (RFC 6265bis §5.6): control characters, tabs, raw 8-bit bytes and a 64 KB Cookie header get a 4xx, and the server lives on",
    async run(ctx) {
      const { accessToken } = await loggedIn(ctx);
      const host = new URL(ctx.baseUrl).host;
      const head = (cookie: string) => `GET /me HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close`;
      for (const [what, cookie] of [
        ["control characters", "sAccessToken=a\u0001b\u007fc"],
        ["a 64 KB cookie", `sAccessToken=${"x".repeat(65_536)}`],
        ["a NUL byte", `sAccessToken=${accessToken}\u0000`],
      ]) {
        const status = await rawRequest(ctx.baseUrl, head(cookie ?? ""));
        assert.ok(status === 0 || (status >= 400 && status < 500), `${what} gave ${status}`);
      }
      // Bytes HTTP parsers let through (HTAB, obs-text) reach Latch (a 4xx); a proxy in front may drop them (no answer).
      for (const [what, cookie] of [
        ["a tab inside the token", `sAccessToken=${accessToken.slice(0, 20)}\t${accessToken.slice(20)}`],
        ["8-bit bytes", `sAccessToken=\u00e9\u00ff${accessToken}`],
      ]) {
        const status = await rawRequest(ctx.baseUrl, head(cookie ?? ""));
        assert.ok(status === 0 || (status >= 400 && status < 500), `${what} gave ${status}`);
      }
      assert.equal((await ctx.client().get("/public")).status, 200, "the server still answers");
    },
  },
  {
    name: "headers: other Authorization schemes are ignored; with header and cookie tokens of different sessions, the Bearer one wins everywhere",
    async run(ctx) {
      const cookieUser = await loggedIn(ctx);
      const headerClient = ctx.client();
      const headerUserId = `user-${randomUUID()}`;
      await ctx.login(headerClient, { userId: headerUserId }, { "st-auth-mode": "header" });
      for (const authorization of [
        "Basic dXNlcjpwYXNz",
        "Digest username=x",
        "Bearer",
        "Bearer ",
        "Bearer a b",
        `Bearer ${cookieUser.refreshToken}`,
        `Token ${headerClient.accessToken}`,
      ]) {
        const reply = await cookieUser.client.get("/me", { headers: { authorization } });
        assert.equal(reply.status, 200, `Authorization: ${authorization.slice(0, 30)} gave ${reply.status} ${reply.text}`);
        assert.equal((reply.body as { userId: string }).userId, cookieUser.userId, authorization.slice(0, 30));
      }
      const bearer = { authorization: `Bearer ${headerClient.accessToken}` };
      const mixed = await cookieUser.client.get("/me", { headers: bearer });
      assert.equal((mixed.body as { userId: string }).userId, headerUserId, "the Bearer token's session is used");
      const lower = await cookieUser.client.get("/me", { headers: { authorization: `bearer ${headerClient.accessToken}` } });
      assert.equal((lower.body as { userId: string }).userId, headerUserId, "the scheme is case-insensitive");
      // Signout with both signs out the Bearer session only.
      const both = { ...bearer, cookie: `sAccessToken=${cookieUser.accessToken}` };
      assert.equal((await cookieUser.client.post(SIGNOUT, { headers: both, cookies: false })).status, 200);
      assertStatus401(
        await headerClient.post(REFRESH, { headers: { authorization: `Bearer ${headerClient.refreshToken}` } }),
        UNAUTHORISED,
        "the Bearer session is gone",
      );
      assert.equal((await cookieUser.client.post(REFRESH)).status, 200, "the cookie session lives on");
    },
  },
];

const noneModeCsrfCases: ConformanceCase[] = [
  {
    name: "CSRF (ASVS 3.4.3, 4.2.2) NONE, same site: SameSite=Lax is the defence; requests need no rid or anti-csrf, and a stray one is ignored",
    async run(ctx) {
      const { client, login } = await loggedIn(ctx);
      assert.equal(login.cookie("sAccessToken")?.attributes.samesite?.toLowerCase(), "lax");
      assert.equal(login.cookie("sRefreshToken")?.attributes.samesite?.toLowerCase(), "lax");
      assert.equal(login.headers.get("anti-csrf"), null, "no anti-csrf token in NONE mode");
      for (const headers of [{}, { "anti-csrf": "wrong" }, { rid: "x" }] as Array<Record<string, string>>) {
        const what = JSON.stringify(headers);
        assert.equal((await client.request("/me/data", { method: "PUT", json: { sessionData: {} }, headers })).status, 200, `PUT ${what}`);
        assert.equal(
          (await client.request("/me/payload", { method: "PATCH", json: { accessTokenPayload: { x: 1 } }, headers })).status,
          200,
        );
        assert.equal((await client.post(REFRESH, { headers })).status, 200, `refresh ${what}`);
      }
    },
  },
];

const inputCases: ConformanceCase[] = [
  {
    name: "input (ASVS 5.1.3): hostile user ids, tenant ids and payloads get 400, never 5xx",
    async run(ctx) {
      const client = ctx.client();
      const bodies: unknown[] = [
        { userId: ["array"] },
        { userId: { $ne: "" } },
        { userId: 42 },
        { userId: true },
        { userId: "" },
        { userId: "x".repeat(10_240) },
        { userId: "null\u0000byte" },
        { userId: "new\nline" },
        { userId: "carriage\rreturn" },
        { userId: "ok", tenantId: "../../etc" },
        { userId: "ok", tenantId: 7 },
        { userId: "ok", tenantId: "" },
        { userId: "ok", accessTokenPayload: { exp: 9_999_999_999 } },
        { userId: "ok", accessTokenPayload: { sessionHandle: "x" } },
        { userId: "ok", accessTokenPayload: { iss: "https://evil.example" } },
        { userId: "ok", accessTokenPayload: { antiCsrfToken: "x", tId: "other" } },
        { userId: "ok", accessTokenPayload: { aud: "billing-service" } },
        { userId: "ok", accessTokenPayload: { aud: ["billing-service"] } },
        { userId: "ok", accessTokenPayload: JSON.parse('{"__proto__":{"polluted":true}}') },
        { userId: "ok", accessTokenPayload: JSON.parse('{"a":{"__proto__":{"polluted":true}}}') },
        { userId: "ok", accessTokenPayload: "not an object" },
        { userId: "ok", accessTokenPayload: [1, 2] },
        { userId: "ok", sessionData: [1, 2, 3] },
        { userId: "ok", sessionData: "text" },
        { userId: "ok", sessionData: JSON.parse('{"__proto__":{"polluted":true}}') },
      ];
      for (const body of bodies) {
        const reply = await client.post("/login", { json: body });
        assert.equal(reply.status, 400, `${JSON.stringify(body).slice(0, 80)} gave ${reply.status} ${reply.text.slice(0, 200)}`);
        assert.equal(reply.setCookies.length, 0, "a refused login sets no cookie");
      }
      for (const field of ["accessTokenPayload", "sessionData"]) {
        const status = await oversizeLoginStatus(client, field);
        assert.ok(status === 400 || status === 413 || status === "closed", `a 1 MB ${field} gave ${status}`);
      }
      assert.equal((await client.get("/public")).status, 200);
    },
  },
  {
    name: "input (ASVS 5.1.3, 5.5): hostile session data and payload merges on a live session get 400; constructor/prototype keys stay plain data",
    async run(ctx) {
      const { client } = await loggedIn(ctx);
      const proto = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
      for (const [path, method, json] of [
        ["/me/data", "PUT", { sessionData: proto }],
        ["/me/data", "PUT", { sessionData: [1] }],
        ["/me/data", "PUT", { sessionData: "text" }],
        ["/me/data", "PUT", { sessionData: { blob: "x".repeat(70_000) } }],
        ["/me/payload", "PATCH", { accessTokenPayload: proto }],
        ["/me/payload", "PATCH", { accessTokenPayload: { sub: "admin" } }],
        ["/me/payload", "PATCH", { accessTokenPayload: { exp: 9_999_999_999 } }],
        ["/me/payload", "PATCH", { accessTokenPayload: [1] }],
        ["/me/payload", "PATCH", { accessTokenPayload: { blob: "x".repeat(4096) } }],
      ] as const) {
        const reply = await client.request(path, { method, json });
        assert.equal(
          reply.status,
          400,
          `${method} ${path} ${JSON.stringify(json).slice(0, 60)}: ${reply.status} ${reply.text.slice(0, 200)}`,
        );
      }
      assert.equal((await client.get("/me")).status, 200, "the session is intact");
      // Keys that only look dangerous are plain data, kept verbatim by every framework and by Latch.
      const plain = { constructor: { name: "x" }, prototype: { polluted: true }, toString: "x" };
      assert.equal((await client.request("/me/data", { method: "PUT", json: { sessionData: plain } })).status, 200);
      assert.deepEqual(((await client.get("/me/data")).body as { sessionData: unknown }).sessionData, plain, "stored as data, verbatim");
      // constructor.prototype: some frameworks' JSON parsers refuse it before the app runs (LoopBack,
      // Fastify's secure-json-parse: a 400 of their own), as safe as keeping it; Latch keeps it as data.
      const poisoned = { constructor: { prototype: { polluted: true } } };
      const put = await client.request("/me/data", { method: "PUT", json: { sessionData: poisoned } });
      const refusedByFramework = put.status === 400 && !put.text.includes("sessionDataInDatabase");
      if (!refusedByFramework) {
        assert.equal(put.status, 200, `${put.status} ${put.text.slice(0, 200)}`);
        assert.deepEqual(
          ((await client.get("/me/data")).body as { sessionData: unknown }).sessionData,
          poisoned,
          "stored as data, verbatim",
        );
        const fresh = ctx.client();
        await ctx.login(fresh, { userId: `user-${randomUUID()}`, accessTokenPayload: poisoned });
        const payload = ((await fresh.get("/me")).body as { accessTokenPayload: Record<string, unknown> }).accessTokenPayload;
        assert.deepEqual(payload.constructor, poisoned.constructor);
      }
      const untouched = ctx.client();
      await ctx.login(untouched);
      const other = ((await untouched.get("/me")).body as { accessTokenPayload: Record<string, unknown> }).accessTokenPayload;
      assert.equal(Object.hasOwn(other, "polluted") || Object.hasOwn(other, "constructor"), false, "nothing leaked into other sessions");
    },
  },
];

/** The default group (NONE anti-CSRF, same site). */
export const securityCases: ConformanceCase[] = [...tokenCases, ...refreshCases, ...cookieCases, ...noneModeCsrfCases, ...inputCases];

/** The example apps' state-changing routes (every one a CSRF target), with a valid body each. */
const STATE_CHANGING: Array<[string, string, unknown]> = [
  ["PUT", "/me/data", { sessionData: {} }],
  ["PATCH", "/me/payload", { accessTokenPayload: { x: 1 } }],
  ["POST", "/me/revoke-all", undefined],
  ["POST", SIGNOUT, undefined],
];

/** VIA_TOKEN group. */
export const securityCsrfCases: ConformanceCase[] = [
  {
    name: "CSRF (ASVS 4.2.2) VIA_TOKEN: missing, wrong and replayed tokens on POST, PUT, PATCH and signout; GET is not checked",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client, { userId: `user-${randomUUID()}` });
      const first = login.headers.get("anti-csrf") ?? "";
      const refreshed = await client.post(REFRESH, { headers: { "anti-csrf": first } });
      assert.equal(refreshed.status, 200);
      const current = refreshed.headers.get("anti-csrf") ?? "";
      assert.ok(current && current !== first, "the anti-CSRF token rotates with the refresh token");
      for (const [method, path, json] of STATE_CHANGING) {
        for (const token of [undefined, "", "wrong", first, current.toUpperCase(), current.slice(0, -1), `${current}0`]) {
          const headers: Record<string, string> = token === undefined ? {} : { "anti-csrf": token };
          const reply = await client.request(path, { method, json, headers });
          assertRefusedKept(reply, TRY_REFRESH, `${method} ${path} with anti-csrf ${JSON.stringify(token) ?? "(none)"}`);
        }
      }
      assert.equal((await client.get("/me")).status, 200, "GET is not CSRF-checked");
      assert.equal(
        (await client.request("/me/data", { method: "PUT", json: { sessionData: {} }, headers: { "anti-csrf": current } })).status,
        200,
      );
      assert.equal((await client.post(SIGNOUT, { headers: { "anti-csrf": current } })).status, 200, "signout with the current token");
    },
  },
  {
    name: "CSRF (ASVS 4.2.2) VIA_TOKEN: refresh with a missing, wrong or replayed anti-csrf token is 401 unauthorised",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client, { userId: `user-${randomUUID()}` });
      const first = login.headers.get("anti-csrf") ?? "";
      const firstRefresh = client.cookieValue("sRefreshToken") ?? "";
      const refreshed = await refreshWith(client, firstRefresh, { "anti-csrf": first });
      assert.equal(refreshed.status, 200);
      const current = refreshed.headers.get("anti-csrf") ?? "";
      const refreshToken = refreshed.cookie("sRefreshToken")?.value ?? "";
      for (const token of [undefined, "wrong", first]) {
        const reply = await refreshWith(client, refreshToken, token === undefined ? {} : { "anti-csrf": token });
        assertStatus401(reply, UNAUTHORISED, `refresh with anti-csrf ${token ?? "(none)"}`);
      }
      assert.equal((await refreshWith(client, refreshToken, { "anti-csrf": current })).status, 200, "the current token refreshes");
    },
  },
  {
    name: "CSRF VIA_TOKEN: with a planted refresh cookie of another session, the echoed anti-csrf token picks the victim's own, in either order",
    async run(ctx) {
      const victim = ctx.client();
      const victimLogin = await ctx.login(victim, { userId: `victim-${randomUUID()}` });
      const victimRefresh = victim.cookieValue("sRefreshToken") ?? "";
      const attacker = ctx.client();
      const attackerLogin = await ctx.login(attacker, { userId: `attacker-${randomUUID()}` });
      const attackerRefresh = attacker.cookieValue("sRefreshToken") ?? "";
      let antiCsrf = victimLogin.headers.get("anti-csrf") ?? "";
      let refreshToken = victimRefresh;
      for (const order of ["planted first", "planted last"] as const) {
        const cookie =
          order === "planted first"
            ? `sRefreshToken=${attackerRefresh}; sRefreshToken=${refreshToken}`
            : `sRefreshToken=${refreshToken}; sRefreshToken=${attackerRefresh}`;
        const reply = await refreshWith(victim, "", { cookie, "anti-csrf": antiCsrf });
        assert.equal(reply.status, 200, `${order}: ${reply.text}`);
        const accessToken = reply.cookie("sAccessToken")?.value ?? "";
        assert.equal(
          decodePart(accessToken.split(".")[1]).sessionHandle,
          (victimLogin.body as { sessionHandle: string }).sessionHandle,
          `${order}: still the victim's session`,
        );
        antiCsrf = reply.headers.get("anti-csrf") ?? "";
        refreshToken = reply.cookie("sRefreshToken")?.value ?? "";
      }
      const attackerOwn = await refreshWith(attacker, attackerRefresh, { "anti-csrf": attackerLogin.headers.get("anti-csrf") ?? "" });
      assert.equal(attackerOwn.status, 200, "the planted token was never rotated");
    },
  },
  {
    name: "CSRF VIA_TOKEN: header-mode (Bearer) requests carry no cookie a browser could forge, so they are not checked",
    async run(ctx) {
      const client = ctx.client();
      const login = await ctx.login(client, { userId: `user-${randomUUID()}` }, { "st-auth-mode": "header" });
      assert.equal(login.headers.get("anti-csrf"), null, "no anti-csrf token in header mode");
      const bearer = { authorization: `Bearer ${client.accessToken}` };
      assert.equal((await client.request("/me/data", { method: "PUT", json: { sessionData: {} }, headers: bearer })).status, 200);
      assert.equal((await client.post(REFRESH, { headers: { authorization: `Bearer ${client.refreshToken}` } })).status, 200);
    },
  },
];

/** VIA_CUSTOM_HEADER group (website on another site, SameSite=None). */
export const securityCustomHeaderCases: ConformanceCase[] = [
  {
    name: "CSRF (ASVS 4.2.2) VIA_CUSTOM_HEADER: POST, PUT, PATCH and signout without rid are refused; GET passes; any rid value passes",
    async run(ctx) {
      const { client, login } = await loggedIn(ctx);
      assert.equal(login.cookie("sAccessToken")?.attributes.samesite?.toLowerCase(), "none");
      for (const [method, path, json] of STATE_CHANGING) {
        // A cross-site form or a "simple" fetch cannot set a custom header; anti-csrf is not rid.
        for (const headers of [{}, { "anti-csrf": "x" }, { "x-rid": "session" }] as Array<Record<string, string>>) {
          assertRefusedKept(
            await client.request(path, { method, json, headers }),
            TRY_REFRESH,
            `${method} ${path} ${JSON.stringify(headers)}`,
          );
        }
      }
      assert.equal((await client.get("/me")).status, 200, "GET is not CSRF-checked");
      assert.equal((await client.get("/me/data")).status, 200);
      for (const rid of ["session", "anti-csrf", "anything"]) {
        const reply = await client.request("/me/data", { method: "PUT", json: { sessionData: { rid } }, headers: { rid } });
        assert.equal(reply.status, 200, `rid: ${rid}`);
      }
    },
  },
  {
    name: "CSRF (ASVS 4.2.2) VIA_CUSTOM_HEADER: refresh without rid is 401 unauthorised with tokens cleared, and rotates nothing",
    async run(ctx) {
      const { client, refreshToken } = await loggedIn(ctx);
      for (const headers of [{}, { "anti-csrf": "x" }] as Array<Record<string, string>>) {
        const reply = await refreshWith(client, refreshToken, headers);
        assertStatus401(reply, UNAUTHORISED, `refresh ${JSON.stringify(headers)}`);
        assertCleared(reply, "refresh without rid");
      }
      const ok = await refreshWith(client, refreshToken, { rid: "session" });
      assert.equal(ok.status, 200, "the refused attempts did not rotate or revoke the token");
      assert.notEqual(ok.cookie("sRefreshToken")?.value, refreshToken);
    },
  },
];
