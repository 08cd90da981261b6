import { readFileSync } from "node:fs";
import { Latch, MemoryStore, UnauthorisedError } from "@latch/core";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createNewSession, middleware, onError, verifySession } from "../src/index";

const latch = new Latch({
  store: new MemoryStore(),
  appInfo: { apiDomain: "http://localhost:3000", websiteDomain: "https://www.example.com" },
});
afterAll(() => latch.close());

/** An app as users write one: CORS first, Latch's middleware, its error handler, a few routes. */
function createApp(): Hono {
  const app = new Hono();
  app.use(cors({ origin: "https://www.example.com", credentials: true, exposeHeaders: ["x-app-header"] }));
  app.use(middleware({ latch }));
  app.onError(onError(undefined, { latch }));
  app.post("/login", async (c) => {
    const { userId } = await c.req.json<{ userId: string }>();
    await createNewSession(c, "public", userId);
    // The app's own cookie, set with Hono's helpers: it must go out beside Latch's.
    c.header("set-cookie", "theme=dark; Path=/", { append: true });
    return c.json({ ok: true });
  });
  app.post("/login-raw", async (c) => {
    await latch.createNewSession(c, c, "public", "raw-user");
    // A Response with immutable headers, as fetch() returns: Latch's headers go on a copy.
    return Response.redirect("http://localhost:3000/me", 303);
  });
  app.get("/me", verifySession({ latch }), (c) => c.json({ userId: c.var.session.getUserId() }));
  app.get("/optional", verifySession({ latch, sessionRequired: false }), (c) => c.json({ userId: c.var.session?.getUserId() ?? null }));
  app.get("/throws-latch", (c) => {
    c.header("set-cookie", "theme=dark; Path=/", { append: true });
    throw new UnauthorisedError("revoked meanwhile", { clearTokens: true });
  });
  app.get("/throws-http", () => {
    throw new HTTPException(418, { message: "teapot" });
  });
  app.get("/throws-other", () => {
    throw new Error("boom");
  });
  return app;
}

const origin = { origin: "https://www.example.com" };

async function login(app: Hono, userId = "user-1"): Promise<{ reply: Response; cookie: string }> {
  const reply = await app.request("/login", {
    method: "POST",
    body: JSON.stringify({ userId }),
    headers: { ...origin, "content-type": "application/json" },
  });
  const cookie = reply.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  return { reply, cookie };
}

describe("@latch/hono", () => {
  it("login: Latch's cookies and the app's go out together, exposed headers appended to the app's", async () => {
    const { reply } = await login(createApp());
    expect(reply.status).toBe(200);
    const names = reply.headers.getSetCookie().map((value) => value.split("=")[0]);
    expect(names).toEqual(expect.arrayContaining(["sAccessToken", "sRefreshToken", "theme"]));
    expect(reply.headers.get("front-token")).toBeTruthy();
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
    expect(reply.headers.get("access-control-expose-headers")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["x-app-header", "front-token"]),
    );
  });

  it("a handler returning a Response with immutable headers still gets Latch's cookies", async () => {
    const reply = await createApp().request("/login-raw", { method: "POST" });
    expect(reply.status).toBe(303);
    expect(reply.headers.get("location")).toBe("http://localhost:3000/me");
    expect(reply.headers.getSetCookie().map((value) => value.split("=")[0])).toEqual(
      expect.arrayContaining(["sAccessToken", "sRefreshToken"]),
    );
  });

  it("verifySession puts the session on c.var.session, or answers 401 itself without logging", async () => {
    const app = createApp();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const { cookie } = await login(app, "user-2");
    const me = await app.request("/me", { headers: { cookie } });
    expect(await me.json()).toEqual({ userId: "user-2" });
    const anonymous = await app.request("/me", { headers: origin });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: "unauthorised" });
    expect(anonymous.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
    expect(await (await app.request("/optional")).json()).toEqual({ userId: null });
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  it("Latch's routes are served, keeping the CORS headers", async () => {
    const app = createApp();
    const jwks = await app.request("/auth/jwt/jwks.json", { headers: origin });
    expect(jwks.status).toBe(200);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    expect(jwks.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
    const refresh = await app.request("/auth/session/refresh", { method: "POST", headers: origin });
    expect(refresh.status).toBe(401);
  });

  it("onError answers a Latch error with its status, the cleared cookies not replaced by the app's list", async () => {
    const app = createApp();
    const { cookie } = await login(app, "user-3");
    const reply = await app.request("/throws-latch", { headers: { ...origin, cookie } });
    expect(reply.status).toBe(401);
    expect(await reply.json()).toEqual({ message: "unauthorised" });
    const cookies = reply.headers.getSetCookie().map((value) => value.split("=")[0]);
    // Assigned to c.res the usual way, the app's Set-Cookie list (theme) would replace Latch's.
    expect(cookies).toEqual(expect.arrayContaining(["theme", "sAccessToken", "sRefreshToken"]));
    expect(reply.headers.get("front-token")).toBe("remove");
    expect(reply.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
  });

  it("onError passes other errors on: an HTTPException's own response, else Hono's 500", async () => {
    const app = createApp();
    expect((await app.request("/throws-http")).status).toBe(418);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await app.request("/throws-other")).status).toBe(500);
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
    const custom = new Hono();
    custom.use(middleware({ latch }));
    custom.onError(onError((error, c) => c.json({ custom: error.message }, 502), { latch }));
    custom.get("/", () => {
      throw new Error("x");
    });
    const reply = await custom.request("/");
    expect(reply.status).toBe(502);
  });

  it("says clearly when middleware() is missing", async () => {
    const app = new Hono();
    app.onError((error, c) => c.text(error.message, 500));
    app.get("/me", verifySession({ latch }), (c) => c.text("never"));
    expect(await (await app.request("/me")).text()).toMatch(/app\.use\(middleware\(\)\)/);
  });
});

describe("README", () => {
  it("shows test/readme-example.ts, which runs", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
    const { default: app } = await import("./readme-example");
    const reply = await app.request("/login", { method: "POST", body: JSON.stringify({ userId: "readme" }) });
    const cookie = reply.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    expect(await (await app.request("/me", { headers: { cookie } })).json()).toEqual({ userId: "readme" });
    expect((await app.request("/me")).status).toBe(401);
    expect(await (await app.request("/optional")).json()).toEqual({ userId: null });
  });
});
