// Core accepts Koa's own objects: `ctx` (twice) and Node's `ctx.req`/`ctx.res`, wrapped on demand,
// since the adapter binds wrappers only when app code asks for them.
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { HttpClient, listeningUrl } from "@latch/testing/adapter";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { middleware, verifySession } from "../src/index";

describe("Koa's native objects", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const app = new Koa();
  app.use(middleware({ latch }));
  const check = verifySession({ latch });
  app.use(async (ctx, next) => {
    if (ctx.path === "/login-ctx") {
      ctx.body = { handle: (await latch.createNewSession(ctx, ctx, "alice")).getHandle() };
    } else if (ctx.path === "/login-node") {
      const session = await latch.createNewSession(ctx.req, ctx.res, "bob");
      // The same request through the other pair finds the same wrappers.
      const again = await latch.getSession(ctx, ctx, { sessionRequired: false });
      ctx.body = { handle: session.getHandle(), again: again === undefined };
    } else if (ctx.path === "/me") {
      await check(ctx, async () => {
        ctx.body = { userId: (ctx.state.session as SessionContainer).getUserId() };
      });
    } else await next();
  });
  const server = app.listen(0, "127.0.0.1");
  let baseUrl = "";
  beforeAll(async () => {
    baseUrl = await listeningUrl(server);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  for (const [path, userId] of [
    ["/login-ctx", "alice"],
    ["/login-node", "bob"],
  ] as const) {
    it(`createNewSession with ${path === "/login-ctx" ? "(ctx, ctx)" : "(ctx.req, ctx.res)"} sets the session; verifySession reads it`, async () => {
      const client = new HttpClient(baseUrl);
      const login = await client.post(path);
      expect(login.status).toBe(200);
      expect(login.headers.get("front-token")).toBeTruthy();
      // Twice: verified first (a promise), then from the cache (no promise).
      for (let i = 0; i < 2; i++) expect((await client.get("/me")).body).toEqual({ userId });
    });
  }

  it("answers a request without a session with the protocol's 401", async () => {
    const me = await new HttpClient(baseUrl).get("/me");
    expect(me.status).toBe(401);
    expect(me.body).toEqual({ message: "unauthorised" });
  });
});
