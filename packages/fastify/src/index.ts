export { type LatchPluginOptions, latchPlugin, type SessionRequest, type VerifiedSessionRequest, verifySession, wrap } from "./plugin";
export { FastifyRequestWrapper } from "./request";
export { FastifyResponseWrapper } from "./response";
