import { Latch, MemoryStore } from "@latch/core";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchPlugin, type SessionRequest, verifySession } from "../src/index";

describe("without another session plugin", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const app = Fastify();

  beforeAll(async () => {
    await app.register(latchPlugin, { latch });
    app.post("/login", async (request, reply) => {
      await latch.createNewSession(request, reply, "alice");
      return { ok: true };
    });
    // The annotation SuperTokens users write; `pnpm typecheck` compiles it.
    app.get("/me", { preHandler: verifySession({ latch }) }, async (request: SessionRequest) => ({
      userId: request.session?.getUserId(),
      alias: request.session === request.latchSession,
    }));
    await app.ready();
  });
  afterAll(() => app.close());

  it("sets request.session as the alias of request.latchSession", async () => {
    const login = await app.inject({ method: "POST", url: "/login", headers: { "st-auth-mode": "header" } });
    const me = await app.inject({ method: "GET", url: "/me", headers: { authorization: `Bearer ${login.headers["st-access-token"]}` } });
    expect(me.json()).toEqual({ userId: "alice", alias: true });
  });
});
