import cookie from "@fastify/cookie";
import { Latch, MemoryStore } from "@latch/core";
import { parseSetCookie } from "@latch/testing/adapter";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latchPlugin, verifySession } from "../src/index";

// Latch writes Set-Cookie values itself; with @fastify/cookie registered, the app's own cookies
// (reply.setCookie) and Latch's must both arrive, unchanged, and Latch must read cookies the same way.
describe("with @fastify/cookie registered", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const app = Fastify();

  beforeAll(async () => {
    await app.register(cookie);
    await app.register(latchPlugin, { latch });
    app.post("/login", async (request, reply) => {
      reply.setCookie("theme", "dark", { path: "/" });
      await latch.createNewSession(request, reply, "alice");
      return { ok: true };
    });
    app.get("/me", { preHandler: verifySession({ latch }) }, async (request) => ({
      userId: request.latchSession?.getUserId(),
      theme: request.cookies.theme,
    }));
    await app.ready();
  });
  afterAll(() => app.close());

  it("sends the app's cookie and Latch's, and verifies with both present", async () => {
    const login = await app.inject({ method: "POST", url: "/login" });
    expect(login.statusCode).toBe(200);
    const raw = login.headers["set-cookie"];
    const cookies = (Array.isArray(raw) ? raw : [raw ?? ""]).map(parseSetCookie);
    expect(cookies.map((c) => c.name).sort()).toEqual(["sAccessToken", "sRefreshToken", "theme"]);
    const access = cookies.find((c) => c.name === "sAccessToken");
    expect(access?.attributes).toMatchObject({ path: "/", httponly: "", samesite: "Lax" });
    const header = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const me = await app.inject({ method: "GET", url: "/me", headers: { cookie: header } });
    expect(me.json()).toEqual({ userId: "alice", theme: "dark" });
  });

  it("answers a missing session through the reply with the protocol's body", async () => {
    const me = await app.inject({ method: "GET", url: "/me" });
    expect(me.statusCode).toBe(401);
    expect(me.body).toBe('{"message":"unauthorised"}');
  });
});
