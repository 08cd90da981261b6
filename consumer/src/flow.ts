import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { HttpClient } from "@latch/testing/adapter";

const UNAVAILABLE = '{"message":"session store unavailable, try again"}';

/**
 * A user's first contact: a bad body (400, and the server lives on), login, the protected route,
 * a refresh, sign-out, and the protected route again (401). `mePath` answers `{ userId }`.
 */
export async function sessionFlow(baseUrl: string, mePath = "/me"): Promise<void> {
  const stranger = new HttpClient(baseUrl);
  const bad = await stranger.post("/login", { json: {} });
  assert.equal(bad.status, 400, `a login without userId: ${bad.status} ${bad.text}`);
  assert.equal((await stranger.get(mePath)).status, 401, "the server still answers after a bad body");

  const client = new HttpClient(baseUrl);
  const userId = `user-${randomUUID()}`;
  const login = await client.post("/login", { json: { userId } });
  assert.equal(login.status, 200, `login: ${login.status} ${login.text}`);
  const me = await client.get(mePath);
  assert.equal(me.status, 200, `${mePath}: ${me.status} ${me.text}`);
  assert.equal((me.body as { userId?: string }).userId, userId);

  const accessBefore = client.cookieValue("sAccessToken");
  const refresh = await client.post("/auth/session/refresh");
  assert.equal(refresh.status, 200, `refresh: ${refresh.status} ${refresh.text}`);
  assert.notEqual(client.cookieValue("sAccessToken"), accessBefore, "the refresh sent a new access token");
  assert.equal((await client.get(mePath)).status, 200, "the refreshed session works");

  const signOut = await client.post("/auth/signout");
  assert.equal(signOut.status, 200, `signout: ${signOut.status} ${signOut.text}`);
  assert.equal((await client.get(mePath)).status, 401, "signed out");
}

/**
 * While `down()` holds the store unavailable, a login and a refresh answer 503 and the process
 * lives on; after `up()`, both work again without a restart.
 */
export async function outageFlow(baseUrl: string, outage: { down(): Promise<void> | void; up(): Promise<void> | void }): Promise<void> {
  const client = new HttpClient(baseUrl);
  assert.equal((await client.post("/login", { json: { userId: `user-${randomUUID()}` } })).status, 200);
  await outage.down();
  try {
    const login = await new HttpClient(baseUrl).post("/login", { json: { userId: `user-${randomUUID()}` } });
    assert.equal(login.status, 503, `login during the outage: ${login.status} ${login.text}`);
    assert.equal(login.text, UNAVAILABLE);
    const refresh = await client.post("/auth/session/refresh");
    assert.equal(refresh.status, 503, `refresh during the outage: ${refresh.status} ${refresh.text}`);
  } finally {
    await outage.up();
  }
  assert.equal((await client.post("/auth/session/refresh")).status, 200, "the refresh works once the store is back");
  assert.equal((await new HttpClient(baseUrl).post("/login", { json: { userId: `user-${randomUUID()}` } })).status, 200);
}
