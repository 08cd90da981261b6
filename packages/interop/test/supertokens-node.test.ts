import { fileURLToPath } from "node:url";
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { type RunningApp, spawnApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LatchServer, startLatchServer } from "./latch-server";

/**
 * A supertokens-node 24 backend, in its own process, with connectionURI = the Latch app's origin,
 * verifies Latch's sessions: with its Express verifySession() and getSessionWithoutRequestResponse.
 * Each answer is compared with what Latch itself answers for the same token.
 */
const serviceDir = fileURLToPath(new URL("..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kidOf = (token: string): string => JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;
const tokenOf = (session: SessionContainer) => session.getAllSessionTokensDangerously().accessToken;

interface Answer {
  status: number;
  body: unknown;
}

async function get(url: string, token: string): Promise<Answer> {
  const reply = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await reply.text();
  try {
    return { status: reply.status, body: JSON.parse(text) };
  } catch {
    return { status: reply.status, body: text };
  }
}

describe("supertokens-node 24 verifies Latch sessions (connectionURI = the Latch app)", { timeout: 60_000 }, () => {
  const store = new MemoryStore();
  // 0.001 hours = 3.6 s: keys rotate while the suite runs.
  const rotationHours = 0.001;
  let server: LatchServer;
  /** Same store and issuer, tokens that live one second: the expired cases. */
  let shortLived: Latch;
  let backend: RunningApp;

  const both = async (token: string) => ({
    latch: await get(`${server.origin}/me`, token),
    supertokens: await get(`${backend.baseUrl}/orders`, token),
  });
  const check = async (token: string) => {
    const reply = await fetch(`${backend.baseUrl}/check`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accessToken: token }),
    });
    return reply.json();
  };

  beforeAll(async () => {
    server = await startLatchServer({ store, signingKeyRotationInterval: rotationHours });
    shortLived = new Latch({
      store,
      appInfo: { apiDomain: server.origin },
      accessTokenValidity: 1,
      signingKeyRotationInterval: rotationHours,
    });
    backend = await spawnApp({
      cwd: serviceDir,
      command: [process.execPath, "services/supertokens-backend.mjs"],
      env: { LATCH_ORIGIN: server.origin },
    });
  });
  afterAll(async () => {
    await backend?.close();
    await server?.close();
  });

  it("accepts a new session: user id, tenant, handle and payload as Latch set them", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("acme", "user-1", { plan: "pro", roles: ["admin"] });
    const answers = await both(tokenOf(session));
    expect(answers.supertokens, backend.output()).toEqual(answers.latch);
    expect(answers.latch.body).toMatchObject({ userId: "user-1", tenantId: "acme", sessionHandle: session.getHandle() });
    expect((answers.latch.body as { accessTokenPayload: object }).accessTokenPayload).toMatchObject({ plan: "pro", roles: ["admin"] });
    expect(await check(tokenOf(session))).toEqual({ ok: true, userId: "user-1", tenantId: "acme" });
  });

  it("accepts a session after a refresh", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("public", "user-2");
    const refreshed = await server.latch.refreshSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().refreshToken ?? "");
    const answers = await both(tokenOf(refreshed));
    expect(answers.latch.status).toBe(200);
    expect(answers.supertokens, backend.output()).toEqual(answers.latch);
    expect(await check(tokenOf(refreshed))).toEqual({ ok: true, userId: "user-2", tenantId: "public" });
  });

  it("accepts tokens of a key Latch rotated to, and still those of the key before", async () => {
    const before = await server.latch.createNewSessionWithoutRequestResponse("public", "user-3");
    expect((await both(tokenOf(before))).supertokens.status).toBe(200);
    await sleep(rotationHours * 3_600_000 + 200);
    const after = await server.latch.createNewSessionWithoutRequestResponse("public", "user-3");
    expect(kidOf(tokenOf(after))).not.toBe(kidOf(tokenOf(before)));
    expect(kidOf(tokenOf(after))).toMatch(/^d-rs256-/);
    for (const token of [tokenOf(after), tokenOf(before)]) {
      const answers = await both(token);
      expect(answers.latch.status).toBe(200);
      expect(answers.supertokens, backend.output()).toEqual(answers.latch);
    }
  });

  it("refuses a tampered token (payload changed, signature kept) as Latch does: 401 try refresh token", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("public", "user-4", { plan: "free" });
    const [header, payload, signature] = tokenOf(session).split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin", plan: "pro" })).toString("base64url");
    const answers = await both(`${header}.${forged}.${signature}`);
    expect(answers.latch).toEqual({ status: 401, body: { message: "try refresh token" } });
    expect(answers.supertokens).toEqual(answers.latch);
    expect(await check(`${header}.${forged}.${signature}`)).toEqual({ ok: false, type: "TRY_REFRESH_TOKEN" });
  });

  it("refuses an expired token as Latch does, and a revoked one once it has expired", async () => {
    const expiring = await shortLived.createNewSessionWithoutRequestResponse("public", "user-5");
    const revoked = await shortLived.createNewSessionWithoutRequestResponse("public", "user-6");
    // A SuperTokens backend verifies statelessly: it does not hear Latch's fleet revocation, so a
    // revoked session's token works there until it expires (Latch's own servers refuse it at once)...
    expect(await server.latch.revokeSession(revoked.getHandle())).toBe(true);
    const early = await both(tokenOf(revoked));
    if (early.latch.status === 200) expect(early.supertokens).toEqual(early.latch);
    // ...and no longer afterwards (exp is in whole seconds: wait past the next second).
    await sleep(2_100);
    for (const token of [tokenOf(expiring), tokenOf(revoked)]) {
      const answers = await both(token);
      expect(answers.latch).toEqual({ status: 401, body: { message: "try refresh token" } });
      expect(answers.supertokens).toEqual(answers.latch);
      expect(await check(token)).toEqual({ ok: false, type: "TRY_REFRESH_TOKEN" });
    }
  });
});

describe("supertokens-node 24 with Latch's static key (useDynamicAccessTokenSigningKey: false on both)", { timeout: 60_000 }, () => {
  let server: LatchServer;
  let staticBackend: RunningApp;
  let dynamicBackend: RunningApp;

  beforeAll(async () => {
    server = await startLatchServer({ store: new MemoryStore(), useDynamicAccessTokenSigningKey: false });
    const start = (staticKey: string) =>
      spawnApp({
        cwd: serviceDir,
        command: [process.execPath, "services/supertokens-backend.mjs"],
        env: { LATCH_ORIGIN: server.origin, LATCH_STATIC_KEY: staticKey },
      });
    [staticBackend, dynamicBackend] = await Promise.all([start("1"), start("0")]);
  });
  afterAll(async () => {
    await staticBackend?.close();
    await dynamicBackend?.close();
    await server?.close();
  });

  it("accepts the s- key's sessions where the SDK is set alike, and asks for a refresh where it is not", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("public", "user-7");
    expect(kidOf(tokenOf(session))).toBe("s-rs256");
    const latchAnswer = await get(`${server.origin}/me`, tokenOf(session));
    expect(latchAnswer.status).toBe(200);
    expect(await get(`${staticBackend.baseUrl}/orders`, tokenOf(session)), staticBackend.output()).toEqual(latchAnswer);
    expect(await get(`${dynamicBackend.baseUrl}/orders`, tokenOf(session))).toEqual({
      status: 401,
      body: { message: "try refresh token" },
    });
  });
});
