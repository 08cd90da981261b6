import type { LatchConfig } from "./config";
import { ConfigError } from "./errors";
import { Latch } from "./latch";

let defaultInstance: Latch | undefined;

/** Configures the module-level instance used by `Session.*` and the adapters' defaults. */
export function init(config: LatchConfig): Latch {
  defaultInstance = new Latch(config);
  return defaultInstance;
}

/** The instance `init()` created. */
export function getLatch(): Latch {
  if (!defaultInstance) throw new ConfigError("Latch is not initialised: call init({ ... }) first");
  return defaultInstance;
}

/** Forgets the module-level instance (tests). */
export function resetLatch(): void {
  defaultInstance = undefined;
}

type Methods = Pick<
  Latch,
  | "createNewSession"
  | "createNewSessionWithoutRequestResponse"
  | "getSession"
  | "getSessionWithoutRequestResponse"
  | "refreshSession"
  | "refreshSessionWithoutRequestResponse"
  | "revokeSession"
  | "revokeAllSessionsForUser"
  | "revokeMultipleSessions"
  | "revokeOtherSessionsForUser"
  | "getAllSessionHandlesForUser"
  | "listSessionsForUser"
  | "getSessionInformation"
  | "updateSessionDataInDatabase"
  | "mergeIntoAccessTokenPayload"
  | "getJWKS"
  | "getAllCORSHeaders"
>;

function forward<K extends keyof Methods>(name: K): Methods[K] {
  return ((...args: unknown[]) => (getLatch()[name] as (...a: unknown[]) => unknown).apply(getLatch(), args)) as Methods[K];
}

/**
 * The session API on the module-level instance, in the familiar shape:
 * `Session.createNewSession(req, res, userId)`.
 */
export const Session: Methods = {
  createNewSession: forward("createNewSession"),
  createNewSessionWithoutRequestResponse: forward("createNewSessionWithoutRequestResponse"),
  getSession: forward("getSession"),
  getSessionWithoutRequestResponse: forward("getSessionWithoutRequestResponse"),
  refreshSession: forward("refreshSession"),
  refreshSessionWithoutRequestResponse: forward("refreshSessionWithoutRequestResponse"),
  revokeSession: forward("revokeSession"),
  revokeAllSessionsForUser: forward("revokeAllSessionsForUser"),
  revokeMultipleSessions: forward("revokeMultipleSessions"),
  revokeOtherSessionsForUser: forward("revokeOtherSessionsForUser"),
  getAllSessionHandlesForUser: forward("getAllSessionHandlesForUser"),
  listSessionsForUser: forward("listSessionsForUser"),
  getSessionInformation: forward("getSessionInformation"),
  updateSessionDataInDatabase: forward("updateSessionDataInDatabase"),
  mergeIntoAccessTokenPayload: forward("mergeIntoAccessTokenPayload"),
  getJWKS: forward("getJWKS"),
  getAllCORSHeaders: forward("getAllCORSHeaders"),
};

export const {
  createNewSession,
  createNewSessionWithoutRequestResponse,
  getSession,
  getSessionWithoutRequestResponse,
  refreshSession,
  refreshSessionWithoutRequestResponse,
  revokeSession,
  revokeAllSessionsForUser,
  revokeMultipleSessions,
  revokeOtherSessionsForUser,
  getAllSessionHandlesForUser,
  listSessionsForUser,
  getSessionInformation,
  updateSessionDataInDatabase,
  mergeIntoAccessTokenPayload,
  getJWKS,
  getAllCORSHeaders,
} = Session;
