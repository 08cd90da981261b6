// The LoopBack 4 servers of the adapter scenario, selected by argv[2]: bare LoopBack (a
// RestApplication with POST /login and GET /protected), and Latch (LatchComponent with
// @loopback/authentication's component, @authenticate("latch") on the route, the session injected;
// memory store); bare-with-authentication is bare behind @loopback/authentication with a strategy
// that lets every request in.
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { LatchBindings, LatchComponent } from "@latch/loopback";
import {
  AuthenticationComponent,
  type AuthenticationStrategy,
  authenticate,
  registerAuthenticationStrategy,
} from "@loopback/authentication";
import { inject } from "@loopback/core";
import { get, post, type Request, type Response, RestApplication, RestBindings } from "@loopback/rest";
import { securityId, type UserProfile } from "@loopback/security";

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });

class BareController {
  @post("/login")
  login() {
    return { ok: true };
  }

  @get("/protected")
  protectedRoute() {
    return { ok: true };
  }
}

class LatchController {
  @post("/login")
  async login(@inject(RestBindings.Http.REQUEST) req: Request, @inject(RestBindings.Http.RESPONSE) res: Response) {
    await latch.createNewSession(req, res, "bench-user");
    return { ok: true };
  }

  @get("/protected")
  @authenticate("latch")
  protectedRoute(@inject(LatchBindings.SESSION) session: SessionContainer) {
    return { ok: true, userId: session.getUserId() };
  }
}

/** A strategy that lets every request in: what @loopback/authentication costs without Latch. */
class AllowAllStrategy implements AuthenticationStrategy {
  name = "allow-all";
  async authenticate(): Promise<UserProfile> {
    return { [securityId]: "bench-user" };
  }
}

class AuthenticatedBareController {
  @post("/login")
  login() {
    return { ok: true };
  }

  @get("/protected")
  @authenticate("allow-all")
  protectedRoute() {
    return { ok: true };
  }
}

const app = new RestApplication({ rest: { port, host: "127.0.0.1", openApiSpec: { disabled: true } } });
switch (kind) {
  case "bare":
    app.controller(BareController);
    break;
  case "bare-with-authentication":
    // @loopback/authentication with a strategy that does nothing: the framework's share of Latch's cost.
    app.component(AuthenticationComponent);
    registerAuthenticationStrategy(app, AllowAllStrategy);
    app.controller(AuthenticatedBareController);
    break;
  case "latch":
    app.configure(LatchBindings.COMPONENT).to(latch);
    app.component(AuthenticationComponent);
    app.component(LatchComponent);
    app.controller(LatchController);
    break;
  default:
    throw new Error(`unknown server ${kind}`);
}
await app.start();
console.log(`listening on http://127.0.0.1:${port}`);
