import { getLatch, Latch, type LatchConfig } from "@latch/core";
import { Binding, type Component, ContextTags, config, createBindingFromClass, injectable } from "@loopback/core";
import { LatchBindings } from "./keys";
import { LatchMiddlewareProvider } from "./middleware";
import { LatchAuthenticationStrategy } from "./strategy";

/** What `app.configure(LatchBindings.COMPONENT)` takes: a config, a ready instance, or nothing for `init()`'s. */
export type LatchComponentOptions = LatchConfig | Latch;

/**
 * `app.component(LatchComponent)`: binds the Latch instance (`LatchBindings.INSTANCE`), registers
 * the middleware that serves Latch's routes and answers its errors, and the `latch` strategy for
 * `@authenticate('latch')` (add `AuthenticationComponent` from `@loopback/authentication` too).
 */
@injectable({ tags: { [ContextTags.KEY]: LatchBindings.COMPONENT } })
export class LatchComponent implements Component {
  readonly bindings: Binding[];

  constructor(@config() options?: LatchComponentOptions) {
    const instance = Binding.bind(LatchBindings.INSTANCE);
    if (options) instance.to(options instanceof Latch ? options : new Latch(options));
    else instance.toDynamicValue(() => getLatch());
    this.bindings = [instance, createBindingFromClass(LatchMiddlewareProvider), createBindingFromClass(LatchAuthenticationStrategy)];
  }
}
