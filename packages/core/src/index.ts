// Public surface of @latch/core. Everything not exported here is internal and may change.
export type { ClaimFetchContext, ClaimValidationResult, ClaimValidator } from "./claims/claim";
export { SessionClaim } from "./claims/claim";
export { BooleanClaim, PrimitiveClaim } from "./claims/primitive-claim";
export type { AntiCsrfMode, CookieSameSite, FleetRevocationOptions, LatchConfig, NormalisedConfig, TokenTransferMethod } from "./config";
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
  listSessionsForUser,
  mergeIntoAccessTokenPayload,
  refreshSession,
  refreshSessionWithoutRequestResponse,
  resetLatch,
  revokeAllSessionsForUser,
  revokeMultipleSessions,
  revokeOtherSessionsForUser,
  revokeSession,
  Session,
  updateSessionDataInDatabase,
} from "./default-instance";
export * from "./errors";
export type { LatchEvent, LatchEventHandler, RevocationReason } from "./events";
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
export { DEFAULT_TENANT_ID, Latch, type ListSessionsOptions, type SessionInformation, type SessionList } from "./latch";
export { consoleLogger, describeError, type Logger, silentLogger } from "./log";
export type { IpAddressStorage } from "./session/client-ip";
export type { WhileFeedDisconnected } from "./session/fleet-revocations";
export type { GetSessionOptions } from "./session/manager";
export { SessionContainer, type SessionTokens } from "./session/session";
export { cleanupBatchSize, DEFAULT_CLEANUP_BATCH_SIZE, deleteInBatches, yieldToEventLoop } from "./store/expired-cleanup";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store";
export type * from "./store/revocation-feed";
export { compareSessions, sessionPage, sessionsPastCap } from "./store/session-order";
export type * from "./store/session-store";
export { checkStoreUrl, type StoreUrlKind } from "./store/store-url";
export type {
  LatchRoute,
  LatchTelemetry,
  RouteDescription,
  RouteTrace,
  TelemetryEvent,
  TelemetryInstance,
  TelemetryRecorder,
} from "./telemetry";
export type { AccessTokenClaims, AccessTokenPayload } from "./tokens/access-token";
export { decodeFrontToken, encodeFrontToken, type FrontTokenInfo } from "./tokens/front-token";
