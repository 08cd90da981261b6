import { init, Latch, MemoryStore, resetLatch, TryRefreshTokenError } from "@latch/core";
import { AuthenticationComponent, authenticate } from "@loopback/authentication";
import { inject } from "@loopback/core";
import { get, post, type Request, type Response, RestApplication, RestBindings } from "@loopback/rest";
import { SecurityBindings, securityId } from "@loopback/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LatchBindings, LatchComponent, type LatchUserProfile } from "../src/index";

// What the conformance suite does not reach: LoopBack's own error path for other errors, the user
// profile of SecurityBindings.USER, CORS on Latch's routes, and the component without config.

const WEBSITE = "http://localhost:5173";

class QuirksController {
  constructor(@inject(LatchBindings.INSTANCE) private readonly latch: Latch) {}

  @post("/login")
  async login(@inject(RestBindings.Http.REQUEST) request: Request, @inject(RestBindings.Http.RESPONSE) response: Response) {
    await this.latch.createNewSession(request, response, "alice");
    return { ok: true };
  }

  @get("/whoami")
  @authenticate("latch")
  whoami(@inject(SecurityBindings.USER) user: LatchUserProfile) {
    return { securityId: user[securityId], sessionUserId: user.session.getUserId() };
  }

  @get("/latch-error")
  latchError(): never {
    throw new TryRefreshTokenError("thrown by a controller");
  }

  @get("/app-error")
  appError(): never {
    throw new Error("not Latch's");
  }

  @get("/misused")
  @authenticate({ strategy: "latch", options: { sessionRequired: false } })
  misused() {
    return { reached: true };
  }
}

async function startApp(configure: (app: RestApplication) => void): Promise<{ app: RestApplication; url: string }> {
  const app = new RestApplication({
    rest: { port: 0, host: "127.0.0.1", cors: { origin: WEBSITE, credentials: true } },
  });
  // The 500s below are expected: keep LoopBack from logging them.
  app.bind(RestBindings.SequenceActions.LOG_ERROR).to(() => {});
  configure(app);
  app.component(AuthenticationComponent);
  app.component(LatchComponent);
  app.controller(QuirksController);
  await app.start();
  return { app, url: app.restServer.url ?? "" };
}

function latchForTests(): Latch {
  return new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
}

describe("LatchComponent configured with an instance", () => {
  let app: RestApplication;
  let url = "";
  beforeAll(async () => {
    ({ app, url } = await startApp((target) => target.configure(LatchBindings.COMPONENT).to(latchForTests())));
  });
  afterAll(() => app.stop());

  it("gives @inject(SecurityBindings.USER) a profile carrying the session", async () => {
    const login = await fetch(`${url}/login`, { method: "POST" });
    const cookie = login.headers
      .getSetCookie()
      .map((value) => value.split(";")[0])
      .join("; ");
    const reply = await fetch(`${url}/whoami`, { headers: { cookie } });
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ securityId: "alice", sessionUserId: "alice" });
  });

  it("answers a Latch error thrown by a controller with the protocol's body", async () => {
    const reply = await fetch(`${url}/latch-error`);
    expect(reply.status).toBe(401);
    expect(await reply.text()).toBe('{"message":"try refresh token"}');
  });

  it("leaves other errors to LoopBack's reject", async () => {
    const reply = await fetch(`${url}/app-error`);
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ error: { statusCode: 500, message: "Internal Server Error" } });
  });

  it("refuses an optional session through @authenticate (that is the interceptor's job)", async () => {
    const reply = await fetch(`${url}/misused`);
    expect(reply.status).toBe(500);
    expect(await reply.text()).not.toContain("reached");
  });

  it("runs after LoopBack's CORS middleware, so Latch's own answers carry CORS headers", async () => {
    const preflight = await fetch(`${url}/auth/session/refresh`, {
      method: "OPTIONS",
      headers: { origin: WEBSITE, "access-control-request-method": "POST", "access-control-request-headers": "rid" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(WEBSITE);
    const refresh = await fetch(`${url}/auth/session/refresh`, { method: "POST", headers: { origin: WEBSITE } });
    expect(refresh.status).toBe(401);
    expect(refresh.headers.get("access-control-allow-origin")).toBe(WEBSITE);
    expect(refresh.headers.get("access-control-allow-credentials")).toBe("true");
    expect(await refresh.text()).toBe('{"message":"unauthorised"}');
  });
});

describe("LatchComponent without configuration", () => {
  let app: RestApplication;
  let url = "";
  beforeAll(async () => {
    init({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
    ({ app, url } = await startApp(() => {}));
  });
  afterAll(async () => {
    await app.stop();
    resetLatch();
  });

  it("uses the instance init() made", async () => {
    const login = await fetch(`${url}/login`, { method: "POST" });
    expect(login.status).toBe(200);
    expect(login.headers.get("front-token")).toBeTruthy();
    const jwks = await fetch(`${url}/auth/jwt/jwks.json`);
    expect(((await jwks.json()) as { keys: Array<{ alg: string }> }).keys[0]?.alg).toBe("EdDSA");
  });
});
