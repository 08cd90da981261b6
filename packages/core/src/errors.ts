import type { JSONValue } from "./store/session-store";

/** Stable error codes: switch on `error.code` (it narrows like jose's). */
export type LatchErrorCode =
  | "UNAUTHORISED"
  | "TRY_REFRESH_TOKEN"
  | "TOKEN_THEFT_DETECTED"
  | "INVALID_CLAIMS"
  | "INVALID_INPUT"
  | "CONFIG"
  | "STORE_UNAVAILABLE"
  | "STORE_ERROR";

// A brand, not instanceof: an app can load two copies of core (its ESM and CJS builds, or two
// versions), and an error from one must still be recognised by the other.
const LATCH_ERROR = Symbol.for("latch.error");

export abstract class LatchError extends Error {
  abstract readonly code: LatchErrorCode;
  readonly [LATCH_ERROR] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * No session, a revoked or expired session, or an invalid refresh token.
 * `clearTokens` says whether the client's tokens must be cleared: false when none were sent,
 * or when the access token could not even be parsed (it may belong to something else).
 */
export class UnauthorisedError extends LatchError {
  readonly code = "UNAUTHORISED";
  readonly clearTokens: boolean;
  constructor(message: string, options: { clearTokens: boolean }) {
    super(message);
    this.clearTokens = options.clearTokens;
  }
}

/** The access token expired, has a bad signature, or failed the anti-CSRF check: refresh and retry. */
export class TryRefreshTokenError extends LatchError {
  readonly code = "TRY_REFRESH_TOKEN";
}

/** A refresh token of an older rotation was used: the session (its whole family) is revoked. */
export class TokenTheftError extends LatchError {
  readonly code = "TOKEN_THEFT_DETECTED";
  readonly sessionHandle: string;
  readonly userId: string;
  constructor(sessionHandle: string, userId: string) {
    super("refresh token reuse detected: the session was revoked");
    this.sessionHandle = sessionHandle;
    this.userId = userId;
  }
}

export interface ClaimValidationError {
  id: string;
  reason?: JSONValue;
}

/** One or more claim validators failed (HTTP `invalidClaimStatusCode`, 403 by default). */
export class InvalidClaimError extends LatchError {
  readonly code = "INVALID_CLAIMS";
  readonly claimValidationErrors: ClaimValidationError[];
  constructor(claimValidationErrors: ClaimValidationError[]) {
    super(`invalid claim: ${claimValidationErrors.map((e) => e.id).join(", ")}`);
    this.claimValidationErrors = claimValidationErrors;
  }
}

/** The app passed a value Latch cannot accept (bad userId, reserved claim, non-JSON payload, too large...). */
export class InvalidInputError extends LatchError {
  readonly code = "INVALID_INPUT";
  /** Which argument was wrong, e.g. "userId" or "accessTokenPayload". */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** The configuration is inconsistent (thrown at init, never per request). */
export class ConfigError extends LatchError {
  readonly code = "CONFIG";
}

/** The session store could not be reached. HTTP 503: the client must not be logged out for it. */
export class StoreUnavailableError extends LatchError {
  readonly code = "STORE_UNAVAILABLE";
  readonly store: string;
  constructor(store: string, options?: { cause?: unknown }) {
    super(`session store "${store}" is unavailable`, options);
    this.store = store;
  }
}

/** The store refused an operation for a reason other than being unreachable (a bug or a constraint). */
export class StoreError extends LatchError {
  readonly code = "STORE_ERROR";
  readonly store: string;
  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(`session store "${store}": ${message}`, options);
    this.store = store;
  }
}

export function isLatchError(value: unknown): value is LatchError {
  return typeof value === "object" && value !== null && (value as { [LATCH_ERROR]?: unknown })[LATCH_ERROR] === true;
}
