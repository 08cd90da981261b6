import type { GetSessionOptions } from "@latch/core";
import type { Interceptor } from "@loopback/core";
import { RestBindings } from "@loopback/rest";
import { LatchBindings } from "./keys";
import { verifyRequestSession } from "./verify";

/**
 * An interceptor that verifies the session and binds it to `LatchBindings.SESSION`:
 * `@intercept(verifySession({ sessionRequired: false }))` on a controller or method. Works without
 * `@loopback/authentication`, and is how a route takes an optional session.
 */
export function verifySession(options: GetSessionOptions = {}): Interceptor {
  return async (invocationContext, next) => {
    const latch = await invocationContext.get(LatchBindings.INSTANCE);
    const request = await invocationContext.get(RestBindings.Http.REQUEST);
    await verifyRequestSession(latch, request, options);
    return next();
  };
}
