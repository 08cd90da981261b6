import { Latch, MemoryStore } from "@latch/core";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchPlugin } from "../src/index";

// Latch's routes are Fastify routes, so Fastify's content parsers run before them. A client that
// sends `content-type: application/json` with an empty body (fetch with a JSON header and no body)
// must still get the protocol's answer, as it does on Express, not Fastify's own 400.
describe("Latch's routes and request bodies", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const app = Fastify();

  beforeAll(async () => {
    await app.register(latchPlugin, { latch });
    await app.ready();
  });
  afterAll(() => app.close());

  for (const url of ["/auth/session/refresh", "/auth/signout"]) {
    it(`POST ${url} with an empty JSON body gets the protocol's 401`, async () => {
      const reply = await app.inject({ method: "POST", url, headers: { "content-type": "application/json" } });
      expect(reply.statusCode).toBe(401);
      expect(reply.body).toBe('{"message":"unauthorised"}');
    });

    it(`POST ${url} with a body that is not JSON gets the protocol's 401`, async () => {
      const reply = await app.inject({ method: "POST", url, headers: { "content-type": "application/json" }, payload: "{not json" });
      expect(reply.statusCode).toBe(401);
      expect(reply.body).toBe('{"message":"unauthorised"}');
    });
  }

  it("serves the routes with a trailing slash too, as core matches them on every framework", async () => {
    const signout = await app.inject({ method: "POST", url: "/auth/signout/" });
    expect(signout.body).toBe('{"message":"unauthorised"}');
    const jwks = await app.inject({ method: "GET", url: "/auth/jwt/jwks.json" });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(jwks.json()).toHaveProperty("keys");
  });

  it("leaves other routes to Fastify", async () => {
    const reply = await app.inject({ method: "GET", url: "/auth/session/refresh" });
    expect(reply.statusCode).toBe(404);
  });
});
