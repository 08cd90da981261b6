export {
  type AdapterOptions,
  errorHandler,
  middleware,
  type SessionRequest,
  type VerifiedSessionRequest,
  verifySession,
  wrap,
} from "./middleware";
export { ExpressRequest } from "./request";
export { ExpressResponse } from "./response";
