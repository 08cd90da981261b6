export { LatchBindingInterceptor } from "./binding.interceptor";
export { Session } from "./decorators";
export { LatchExceptionFilter } from "./exception-filter";
export { SessionGuard, VerifySession } from "./guard";
export { LatchMiddleware } from "./middleware";
export { LatchModule, type LatchModuleAsyncOptions } from "./module";
export { wrapNative } from "./platform";
export { LATCH } from "./tokens";
