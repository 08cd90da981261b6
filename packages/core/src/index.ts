// Public surface of @latch/core. Everything not exported here is internal and may change.
export type { ClaimFetchContext, ClaimValidationResult, ClaimValidator } from "./claims/claim";
export { SessionClaim } from "./claims/claim";
export { BooleanClaim, PrimitiveClaim } from "./claims/primitive-claim";
export type { AntiCsrfMode, CookieSameSite, LatchConfig, NormalisedConfig, TokenTransferMethod } from "./config";
export {
  createNewSession,
  createNewSessionWithoutRequestResponse,
  getAllCORSHeaders,
  getAllSessionHandlesForUser,
  getJWKS,
  getLatch,
  getSession,
  getSessionInformation,
  getSessionWithoutRequestResponse,
  init,
  mergeIntoAccessTokenPayload,
  refreshSession,
  refreshSessionWithoutRequestResponse,
  resetLatch,
  revokeAllSessionsForUser,
  revokeMultipleSessions,
  revokeSession,
  Session,
  updateSessionDataInDatabase,
} from "./default-instance";
export * from "./errors";
export { BaseRequest, type HttpMethod } from "./http/base-request";
export { BaseResponse } from "./http/base-response";
export {
  bindBaseObjects,
  boundBaseObjects,
  type RequestLike,
  type ResponseLike,
  registerWrapperResolver,
  toBaseRequest,
  toBaseResponse,
  type WrapperClass,
  type WrapperResolver,
} from "./http/binding";
export { type Cookie, parseCookieHeader, serializeCookie } from "./http/cookies";
export { type ErrorResponse, errorToResponse } from "./http/error-response";
export { DEFAULT_TENANT_ID, Latch, type SessionInformation } from "./latch";
export type { GetSessionOptions } from "./session/manager";
export { SessionContainer, type SessionTokens } from "./session/session";
export { MemoryStore } from "./store/memory-store";
export type * from "./store/session-store";
export type { AccessTokenClaims, AccessTokenPayload } from "./tokens/access-token";
export { decodeFrontToken, encodeFrontToken, type FrontTokenInfo } from "./tokens/front-token";
