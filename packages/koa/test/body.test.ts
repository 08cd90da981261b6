import { bodyParser } from "@koa/bodyparser";
import { Latch, MemoryStore } from "@latch/core";
import { listeningUrl } from "@latch/testing/adapter";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { middleware, wrap } from "../src/index";

// KoaRequest reads ctx.request.body when a parser put it there and Node's stream otherwise, so
// Latch gets the same body with and without @koa/bodyparser.
for (const withParser of [true, false]) {
  describe(withParser ? "with @koa/bodyparser" : "without a body parser", () => {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
    const app = new Koa();
    app.use(middleware({ latch }));
    if (withParser) app.use(bodyParser());
    app.use(async (ctx) => {
      ctx.body = { received: (await wrap(ctx).request.getJsonBody()) ?? null };
    });
    const server = app.listen(0, "127.0.0.1");
    let baseUrl = "";

    beforeAll(async () => {
      baseUrl = await listeningUrl(server);
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it("gives Latch the JSON body", async () => {
      const response = await fetch(`${baseUrl}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ userId: "alice", nested: { n: 1 } }),
      });
      expect(await response.json()).toEqual({ received: { userId: "alice", nested: { n: 1 } } });
    });

    it("gives Latch no body for an empty request", async () => {
      const response = await fetch(`${baseUrl}/echo`, { method: "POST", headers: { "content-type": "application/json" } });
      const { received } = (await response.json()) as { received: unknown };
      // @koa/bodyparser turns an empty JSON body into {}; unparsed, it is absent.
      expect(received).toEqual(withParser ? {} : null);
    });

    it("serves Latch's routes before any parser runs", async () => {
      const response = await fetch(`${baseUrl}/auth/signout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{not json",
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('{"message":"unauthorised"}');
    });
  });
}
