export { type LatchPluginOptions, latchPlugin, verifySession, wrap } from "./plugin";
export { FastifyRequestWrapper } from "./request";
export { FastifyResponseWrapper } from "./response";
