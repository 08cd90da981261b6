import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ConformanceCase } from "./cases";
import type { ConformanceContext, SecondServer } from "./context";
import { HttpClient, type Reply } from "./http-client";

// Issue 17, revocation across a fleet: two instances of the example app on one store (a SQLite
// file both processes open, or the suite's PostgreSQL / MySQL / Redis URL). A session revoked on
// one is refused by the other within about a second, although a protected GET reads no store.

const UNAUTHORISED = '{"message":"unauthorised"}';
/** How long a case waits for the other server to refuse: generous for a loaded CI machine; the delay seen is printed. */
const REFUSAL_BUDGET_MS = 15_000;
const POLL_MS = 50;
const HEADER_MODE = { "st-auth-mode": "header" };

const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

async function loginInHeaderMode(ctx: ConformanceContext, userId: string): Promise<{ client: HttpClient; accessToken: string }> {
  const client = ctx.client();
  await ctx.login(client, { userId }, HEADER_MODE);
  assert.ok(client.accessToken, "header-mode login sent no access token");
  return { client, accessToken: client.accessToken };
}

/** GET /me on `server` with this token: 200 before the revocation (which also caches the verified token there). */
async function assertAccepted(server: SecondServer, accessToken: string): Promise<void> {
  const reply = await new HttpClient(server.baseUrl).get("/me", { headers: bearer(accessToken) });
  assert.equal(reply.status, 200, `the other server refused a live session: ${reply.status} ${reply.text}\n${server.output()}`);
}

/** Polls GET /me on `server` until it answers the protocol's 401 for a revoked session; returns the delay. */
async function refusedWithin(server: SecondServer, accessToken: string, since: number, what: string): Promise<number> {
  let last: Reply | undefined;
  while (Date.now() - since < REFUSAL_BUDGET_MS) {
    last = await new HttpClient(server.baseUrl).get("/me", { headers: bearer(accessToken) });
    if (last.status !== 200) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const delay = Date.now() - since;
  assert.ok(last, "no request was made");
  assert.equal(
    last.status,
    401,
    `after ${what} on one server, the other still answered ${last.status} after ${delay} ms\n${server.output()}`,
  );
  assert.equal(last.text, UNAUTHORISED);
  // A revoked session clears the client's tokens, as a checkDatabase miss does.
  assert.equal(last.headers.get("front-token"), "remove");
  console.info(`[fleet revocation] ${what} on one server refused by the other after ${delay} ms`);
  return delay;
}

export const fleetRevocationCases: ConformanceCase[] = [
  {
    name: "sign-out on one server: the other refuses that access token within the bound (401, tokens cleared)",
    async run(ctx) {
      const other = await ctx.secondServer();
      const { client, accessToken } = await loginInHeaderMode(ctx, `user-${randomUUID()}`);
      await assertAccepted(other, accessToken);
      const signout = await client.post("/auth/signout", { headers: bearer(accessToken) });
      assert.equal(signout.status, 200, signout.text);
      await refusedWithin(other, accessToken, Date.now(), "sign-out");
    },
  },
  {
    name: "revoke-all on one server: the other refuses every session of the user",
    async run(ctx) {
      const other = await ctx.secondServer();
      const userId = `user-${randomUUID()}`;
      const [first, second] = [await loginInHeaderMode(ctx, userId), await loginInHeaderMode(ctx, userId)];
      const bystander = await loginInHeaderMode(ctx, `user-${randomUUID()}`);
      for (const { accessToken } of [first, second, bystander]) await assertAccepted(other, accessToken);
      const revoked = await first.client.post("/me/revoke-all", { headers: bearer(first.accessToken) });
      assert.equal(revoked.status, 200, revoked.text);
      assert.deepEqual(revoked.body, { revoked: 2 });
      const since = Date.now();
      await refusedWithin(other, first.accessToken, since, "revoke-all");
      await refusedWithin(other, second.accessToken, since, "revoke-all");
      await assertAccepted(other, bystander.accessToken);
    },
  },
  {
    name: "revoke-others on one server: the other refuses the user's other sessions and keeps the caller's",
    async run(ctx) {
      const other = await ctx.secondServer();
      const userId = `user-${randomUUID()}`;
      const [caller, elsewhere] = [await loginInHeaderMode(ctx, userId), await loginInHeaderMode(ctx, userId)];
      for (const { accessToken } of [caller, elsewhere]) await assertAccepted(other, accessToken);
      const revoked = await caller.client.post("/me/revoke-others", { headers: bearer(caller.accessToken) });
      assert.equal(revoked.status, 200, revoked.text);
      assert.deepEqual(revoked.body, { revoked: 1 });
      await refusedWithin(other, elsewhere.accessToken, Date.now(), "revoke-others");
      await assertAccepted(other, caller.accessToken);
    },
  },
];
