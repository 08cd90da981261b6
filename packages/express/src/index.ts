export { type AdapterOptions, errorHandler, middleware, type SessionRequest, verifySession, wrap } from "./middleware";
export { ExpressRequest } from "./request";
export { ExpressResponse } from "./response";
