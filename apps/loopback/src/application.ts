import type { Latch } from "@latch/core";
import { LatchBindings, LatchComponent } from "@latch/loopback";
import { AuthenticationComponent } from "@loopback/authentication";
import type { ApplicationConfig } from "@loopback/core";
import { RestApplication } from "@loopback/rest";
import { AdminController } from "./controllers/admin.controller";
import { LoginController } from "./controllers/login.controller";
import { MeController } from "./controllers/me.controller";
import { PublicController } from "./controllers/public.controller";

/** The example routes (shared/example-app.md) as a LoopBack 4 application. */
export class ExampleApplication extends RestApplication {
  constructor(latch: Latch, options: ApplicationConfig = {}) {
    super(options);
    // Latch's routes, its error answers and the `latch` strategy for @authenticate('latch').
    this.configure(LatchBindings.COMPONENT).to(latch);
    this.component(AuthenticationComponent);
    this.component(LatchComponent);

    this.controller(LoginController);
    this.controller(PublicController);
    this.controller(MeController);
    this.controller(AdminController);
  }
}
