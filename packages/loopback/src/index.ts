export { LatchComponent, type LatchComponentOptions } from "./component";
export { verifySession } from "./interceptor";
export { LATCH_STRATEGY, LatchBindings } from "./keys";
export { type AdapterOptions, LatchMiddlewareProvider, latchMiddleware } from "./middleware";
export { LatchAuthenticationStrategy, type LatchStrategyOptions, type LatchUserProfile, latchStrategy } from "./strategy";
export { wrap } from "./wrap";
