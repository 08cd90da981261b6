import type { RunningApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNextExample } from "./example-app";

// The example's src/middleware.ts gates /edge/* with @latch/nextjs/edge on the edge runtime.
describe("edge middleware (verifySession from @latch/nextjs/edge, through next start)", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startNextExample({ LATCH_STORE: "memory:" });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  async function login(userId: string): Promise<string> {
    const reply = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    expect(reply.status).toBe(200);
    const cookie = reply.headers.getSetCookie().find((value) => value.startsWith("sAccessToken="));
    if (!cookie) throw new Error("no sAccessToken cookie");
    return cookie.split(";")[0] as string;
  }

  it("verifies the access token cookie and forwards the user id", async () => {
    const cookie = await login("edge-user");
    const reply = await fetch(`${app.baseUrl}/edge/me`, { headers: { cookie } });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ userId: "edge-user", verifiedBy: "edge middleware" });
  });

  it("without a token: 401 unauthorised", async () => {
    const reply = await fetch(`${app.baseUrl}/edge/me`);
    expect(reply.status).toBe(401);
    expect(await reply.text()).toBe('{"message":"unauthorised"}');
  });

  it("a tampered signature: 401 try refresh token, and a forged x-latch-user-id never reaches the route", async () => {
    const cookie = await login("victim");
    const [header, payload] = cookie.slice("sAccessToken=".length).split(".");
    const reply = await fetch(`${app.baseUrl}/edge/me`, {
      headers: { cookie: `sAccessToken=${header}.${payload}.AAAA`, "x-latch-user-id": "victim" },
    });
    expect(reply.status).toBe(401);
    expect(await reply.text()).toBe('{"message":"try refresh token"}');
  });
});
