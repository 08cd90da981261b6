import Hapi from "@hapi/hapi";
import { Latch, MemoryStore } from "@latch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchPlugin } from "../src/index";

// Latch's routes read no body: a client's empty or malformed JSON body must still get the
// protocol's answer, not hapi's payload 400, and a garbage Cookie header must not fail them.
describe("Latch's routes and request payloads", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const server = Hapi.server();

  beforeAll(async () => {
    await server.register({ plugin: latchPlugin, options: { latch } });
    server.route({
      method: "GET",
      path: "/try",
      options: { auth: { strategy: "latch", mode: "try" } },
      handler: (request) => ({ userId: request.app.session?.getUserId() ?? null }),
    });
    // A Latch error thrown by a handler (here: an empty userId) gets the protocol's answer too.
    server.route({ method: "POST", path: "/login", handler: async (request, h) => latch.createNewSession(request, h, "").then(() => "") });
    await server.initialize();
  });
  afterAll(() => server.stop());

  for (const url of ["/auth/session/refresh", "/auth/signout"]) {
    for (const [what, payload] of [
      ["an empty JSON body", undefined],
      ["a body that is not JSON", "{not json"],
    ] as const) {
      it(`POST ${url} with ${what} gets the protocol's 401`, async () => {
        const reply = await server.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload });
        expect(reply.statusCode).toBe(401);
        expect(reply.payload).toBe('{"message":"unauthorised"}');
      });
    }
  }

  it("ignores a Cookie header hapi cannot parse", async () => {
    const reply = await server.inject({ method: "POST", url: "/auth/session/refresh", headers: { cookie: 'a="b; sRefreshToken=%%%' } });
    expect(reply.statusCode).toBe(401);
    expect(reply.payload).toBe('{"message":"unauthorised"}');
  });

  it('mode "try" runs the route without a session when there is no token, or a bad one', async () => {
    for (const cookie of [undefined, "sAccessToken=not-a-jwt"]) {
      const reply = await server.inject({ method: "GET", url: "/try", headers: cookie ? { cookie } : {} });
      expect(reply.statusCode).toBe(200);
      expect(reply.payload).toBe('{"userId":null}');
    }
  });

  it("answers a Latch error thrown in a handler with the protocol's status and body", async () => {
    const reply = await server.inject({ method: "POST", url: "/login" });
    expect(reply.statusCode).toBe(400);
    expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(reply.payload)).toEqual({ message: expect.stringMatching(/^userId: /) });
  });
});
