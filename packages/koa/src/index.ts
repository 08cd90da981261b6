export { type AdapterOptions, middleware, verifySession, wrap } from "./middleware";
export { KoaRequest } from "./request";
export { KoaResponse } from "./response";
