export { type AdapterOptions, createNewSession, middleware, onError, type SessionEnv, verifySession, wrap } from "./middleware";
export { HonoRequest } from "./request";
export { HonoResponse } from "./response";
