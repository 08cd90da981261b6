import cookie from "@fastify/cookie";
import session from "@fastify/session";
import { Latch, MemoryStore } from "@latch/core";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchPlugin, verifySession } from "../../src/index";

// With @fastify/session installed, its declaration of `request.session` is in this program: before,
// Latch's own declaration of the same property failed to compile (TS2717), and at run time Latch
// wrote its session over @fastify/session's object. Latch now owns only `request.latchSession`.
declare module "fastify" {
  interface Session {
    theme?: string;
  }
}
describe("beside @fastify/session", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const app = Fastify();

  beforeAll(async () => {
    await app.register(cookie);
    await app.register(session, { secret: "a secret with minimum length of 32 characters", cookie: { secure: false } });
    await app.register(latchPlugin, { latch });
    app.post("/login", async (request, reply) => {
      request.session.set("theme", "dark");
      await latch.createNewSession(request, reply, "alice");
      return { ok: true };
    });
    app.get("/me", { preHandler: verifySession({ latch }) }, async (request) => ({
      userId: request.latchSession?.getUserId(),
      theme: request.session.get("theme"),
    }));
    await app.ready();
  });
  afterAll(() => app.close());

  it("keeps @fastify/session's request.session and puts Latch's on request.latchSession", async () => {
    const login = await app.inject({ method: "POST", url: "/login" });
    expect(login.statusCode).toBe(200);
    const raw = login.headers["set-cookie"];
    const header = (Array.isArray(raw) ? raw : [raw ?? ""]).map((line) => line.split(";")[0]).join("; ");
    const me = await app.inject({ method: "GET", url: "/me", headers: { cookie: header } });
    expect(me.json()).toEqual({ userId: "alice", theme: "dark" });
  });
});
