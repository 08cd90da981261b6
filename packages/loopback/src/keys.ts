import type { Latch, SessionContainer } from "@latch/core";
import { BindingKey } from "@loopback/core";
import type { LatchComponent } from "./component";

/** The name of Latch's authentication strategy: `@authenticate('latch')`. */
export const LATCH_STRATEGY = "latch";

/** Binding keys of the Latch component. */
export namespace LatchBindings {
  /** The component; configure it with `app.configure(LatchBindings.COMPONENT).to(latchOrConfig)`. */
  export const COMPONENT = BindingKey.create<LatchComponent>("components.LatchComponent");
  /** The Latch instance: `@inject(LatchBindings.INSTANCE) latch: Latch`. */
  export const INSTANCE = BindingKey.create<Latch>("latch.instance");
  /**
   * The request's verified session, bound by `@authenticate('latch')` or the `verifySession()`
   * interceptor (undefined on an optional route without one): `@inject(LatchBindings.SESSION)`.
   */
  export const SESSION = BindingKey.create<SessionContainer | undefined>("latch.session");
}
