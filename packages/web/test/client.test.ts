// @latch/web in Node against the real Express example (header mode: Node's fetch keeps no cookies).
// The browser scenarios (test/browser) cover cookie mode, tabs and the SuperTokens SDK.
import type { RunningApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type LatchClient, memoryStorage, type SessionEndReason } from "../src/index";
import { startExpressExample, waitUntilPast } from "./example-app";

let app: RunningApp;
beforeAll(async () => {
  app = await startExpressExample({ LATCH_ACCESS_TOKEN_VALIDITY: "1", LATCH_ANTI_CSRF: "VIA_TOKEN" });
});
afterAll(async () => {
  await app?.close();
});

/** A client whose fetch is the real one, with every request it sends recorded. */
function recordingClient() {
  const sent: { method: string; path: string; headers: Headers }[] = [];
  const gates = new Map<string, Promise<void>>();
  const realFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    sent.push({ method: request.method, path: url.pathname, headers: new Headers(request.headers) });
    const response = await fetch(request);
    // Holds a response back (as a slow network would) until the test opens the gate.
    await gates.get(url.pathname);
    return response;
  };
  const ended: SessionEndReason[] = [];
  const client = createClient({ apiDomain: app.baseUrl, tokenTransferMethod: "header", storage: memoryStorage(), fetch: realFetch });
  client.onSessionEnded((reason) => ended.push(reason));
  const count = (path: string) => sent.filter((request) => request.path === path).length;
  return { client, sent, ended, gates, count };
}

async function login(client: LatchClient, userId: string) {
  const response = await client.fetch("/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { sessionHandle: string };
}

describe("@latch/web against the Express example (header mode)", () => {
  it("logs in, sends the access token and anti-CSRF token, exposes the front token", async () => {
    const { client, sent } = recordingClient();
    expect(await client.doesSessionExist()).toBe(false);
    const { sessionHandle } = await login(client, "alice");
    expect(client.getUserId()).toBe("alice");
    expect(client.getAccessTokenPayload()?.sessionHandle).toBe(sessionHandle);
    expect(client.getAccessTokenExpiry()).toBeGreaterThan(Date.now() - 1000);
    expect(await client.doesSessionExist()).toBe(true);

    const me = await client.fetch(`${app.baseUrl}/me/data`, {
      method: "PUT",
      body: JSON.stringify({ sessionData: { a: 1 } }),
      headers: { "content-type": "application/json" },
    });
    expect(me.status).toBe(200);
    const put = sent.at(-1);
    expect(put?.headers.get("authorization")).toMatch(/^Bearer ey/);
    expect(put?.headers.get("rid")).toBe("anti-csrf");
    expect(put?.headers.get("st-auth-mode")).toBe("header");
  });

  it("refreshes once on 'try refresh token' and retries; parallel calls share one refresh", async () => {
    const { client, count } = recordingClient();
    await login(client, "bob");
    const firstExpiry = client.getAccessTokenExpiry() ?? 0;
    await waitUntilPast(firstExpiry);
    const [me, again, data] = await Promise.all([client.fetch("/me"), client.fetch("/me"), client.fetch("/me/data")]);
    expect([me?.status, again?.status, data?.status]).toEqual([200, 200, 200]);
    expect(await me?.json()).toMatchObject({ userId: "bob" });
    expect(count("/auth/session/refresh")).toBe(1);
    expect(client.getAccessTokenExpiry()).toBeGreaterThan(firstExpiry);
  });

  it("never refreshes on 'unauthorised', and ends a revoked session after one refresh attempt", async () => {
    const { client, count, ended } = recordingClient();
    // No session at all: the server says unauthorised and the client does not refresh.
    expect((await client.fetch("/me")).status).toBe(401);
    expect(count("/auth/session/refresh")).toBe(0);
    expect(ended).toEqual([]);

    await login(client, "carol");
    expect((await client.fetch("/me/revoke-all", { method: "POST" })).status).toBe(200);
    await waitUntilPast(client.getAccessTokenExpiry() ?? 0);
    // The expired token asks for a refresh; the refresh is refused, so the call is not retried.
    const callsBefore = count("/me");
    const response = await client.fetch("/me");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "try refresh token" });
    expect(count("/me") - callsBefore).toBe(1);
    expect(count("/auth/session/refresh")).toBe(1);
    expect(ended).toEqual(["unauthorised"]);
    // The session is gone: the next call sends no token, gets unauthorised, and does not refresh.
    expect(await (await client.fetch("/me")).json()).toEqual({ message: "unauthorised" });
    expect(count("/auth/session/refresh")).toBe(1);
    expect(await client.doesSessionExist()).toBe(false);
    expect(client.getUserId()).toBeUndefined();
  });

  it("signs out: the server revokes, the client forgets and says so", async () => {
    const { client, ended, count } = recordingClient();
    await login(client, "dave");
    await client.signOut();
    expect(ended).toEqual(["signedOut"]);
    expect(client.getUserId()).toBeUndefined();
    const response = await client.fetch("/me");
    expect(response.status).toBe(401);
    expect(count("/auth/session/refresh")).toBe(0);
  });

  it("ignores a late response of an older session", async () => {
    const { client, gates, ended } = recordingClient();
    await login(client, "erin");
    let open = () => {};
    gates.set("/auth/signout", new Promise<void>((resolve) => (open = resolve)));
    // The sign-out of erin's session is answered (front-token: remove) only after frank logs in.
    const lateSignOut = client.fetch("/auth/signout", { method: "POST" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await login(client, "frank");
    open();
    expect((await lateSignOut).headers.get("front-token")).toBe("remove");
    expect(client.getUserId()).toBe("frank");
    expect(ended).toEqual([]);
    const me = await client.fetch("/me");
    expect(((await me.json()) as { userId: string }).userId).toBe("frank");
  });

  it("the demo's revoke route revokes only the caller's own sessions", async () => {
    const owner = recordingClient();
    const mallory = recordingClient();
    const { sessionHandle } = await login(owner.client, "henry");
    await login(mallory.client, "mallory");
    const revoke = (client: LatchClient, handle: string) =>
      client.fetch("/me/sessions/revoke", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sessionHandle: handle }),
      });
    expect((await revoke(mallory.client, sessionHandle)).status).toBe(404);
    expect(await (await owner.client.fetch("/me/sessions")).json()).toMatchObject({ sessionHandles: [sessionHandle] });
    const own = await revoke(owner.client, sessionHandle);
    expect(await own.json()).toEqual({ revoked: true });
    expect(await (await mallory.client.fetch("/me/sessions")).json()).toMatchObject({ sessionHandles: [expect.any(String)] });
  });

  it("leaves requests to other origins untouched", async () => {
    const { client, sent } = recordingClient();
    await login(client, "gina");
    const otherOrigin = app.baseUrl.replace("127.0.0.1", "localhost");
    const response = await client.fetch(`${otherOrigin}/public`);
    expect(response.status).toBe(200);
    const request = sent.at(-1);
    expect(request?.path).toBe("/public");
    expect(request?.headers.get("authorization")).toBeNull();
    expect(request?.headers.get("rid")).toBeNull();
  });
});
