import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ConformanceCase } from "./cases";
import type { ConformanceContext } from "./context";

// Issue 6: a store that is down gives a clear error (503 with a JSON body, never a 401 that logs
// the user out), leaves no half-written session, and works again when the store comes back,
// without restarting the app.

const UNAVAILABLE = '{"message":"session store unavailable, try again"}';

function outageOf(ctx: ConformanceContext) {
  if (!ctx.outage) throw new Error("this group runs through an outage proxy");
  return ctx.outage;
}

export const outageCases: ConformanceCase[] = [
  {
    name: "store down: verification still works, store calls answer 503, tokens are kept, and all recovers",
    async run(ctx) {
      const outage = outageOf(ctx);
      const client = ctx.client();
      const userId = `user-${randomUUID()}`;
      await ctx.login(client, { userId, sessionData: { n: 1 } });
      const refreshBefore = client.cookieValue("sRefreshToken");
      outage.down();
      try {
        assert.equal((await client.get("/me")).status, 200, "verifying an access token needs no store");
        for (const [what, reply] of [
          ["read session data", await client.get("/me/data")],
          ["update session data", await client.request("/me/data", { method: "PUT", json: { sessionData: { n: 2 } } })],
          ["refresh", await client.post("/auth/session/refresh")],
          ["login", await ctx.client().post("/login", { json: { userId: `user-${randomUUID()}` } })],
        ] as const) {
          assert.equal(reply.status, 503, `${what}: ${reply.status} ${reply.text}`);
          assert.equal(reply.text, UNAVAILABLE, what);
          assert.equal(reply.setCookies.length, 0, `${what} must not touch the client's tokens`);
          assert.equal(reply.headers.get("front-token"), null, what);
        }
      } finally {
        outage.up();
      }
      assert.equal(client.cookieValue("sRefreshToken"), refreshBefore);
      assert.equal((await client.post("/auth/session/refresh")).status, 200, "the refresh works once the store is back");
      assert.equal(
        ((await client.get("/me/data")).body as { sessionData: { n: number } }).sessionData.n,
        1,
        "the failed update wrote nothing",
      );
      const fresh = ctx.client();
      await ctx.login(fresh, { userId });
      const list = (await fresh.get("/me/sessions")).body as { sessionHandles: string[] };
      assert.equal(list.sessionHandles.length, 2, "the login made during the outage left no half-written session");
    },
  },
];
