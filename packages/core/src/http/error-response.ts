import type { NormalisedConfig } from "../config";
import { type InvalidClaimError, isLatchError, type LatchError, type LatchErrorCode, type UnauthorisedError } from "../errors";
import { clearSessionOnClient, hasAnySessionToken, type TokenCookies } from "../session/token-transfer";
import type { BaseRequest } from "./base-request";
import type { BaseResponse } from "./base-response";

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
  /** Whether the client's tokens must be cleared (with `front-token: remove`). */
  clearTokens: boolean;
}

/**
 * The one place Latch errors become HTTP (statuses and bodies of protocol.md). Returns undefined
 * for errors that are not the client's to see (config errors, store bugs, app errors): the
 * framework's own error path handles those.
 */
export function errorToResponse(error: LatchError, config: NormalisedConfig): ErrorResponse | undefined {
  switch (error.code) {
    case "UNAUTHORISED":
      return {
        status: config.sessionExpiredStatusCode,
        body: { message: "unauthorised" },
        clearTokens: (error as Partial<UnauthorisedError>).clearTokens ?? true,
      };
    case "TRY_REFRESH_TOKEN":
      return { status: config.sessionExpiredStatusCode, body: { message: "try refresh token" }, clearTokens: false };
    case "TOKEN_THEFT_DETECTED":
      return { status: config.sessionExpiredStatusCode, body: { message: "token theft detected" }, clearTokens: true };
    case "INVALID_CLAIMS":
      return {
        status: config.invalidClaimStatusCode,
        body: { message: "invalid claim", claimValidationErrors: (error as Partial<InvalidClaimError>).claimValidationErrors ?? [] },
        clearTokens: false,
      };
    case "INVALID_INPUT":
      return { status: 400, body: { message: error.message }, clearTokens: false };
    case "STORE_UNAVAILABLE":
      return { status: 503, body: { message: "session store unavailable, try again" }, clearTokens: false };
    default:
      return undefined;
  }
}

/**
 * Answers a Latch error on `res` and says with what (the status and the error's code, for the
 * route's span); undefined when the error is not one to answer (pass it on).
 */
export function answerError(
  error: unknown,
  req: BaseRequest,
  res: BaseResponse,
  config: NormalisedConfig,
  cookies: TokenCookies,
): { status: number; code: LatchErrorCode } | undefined {
  if (!isLatchError(error)) return undefined;
  const response = errorToResponse(error, config);
  if (!response) return undefined;
  // Nothing to clear when the client sent no token at all.
  if (response.clearTokens && hasAnySessionToken(req)) clearSessionOnClient(res, cookies);
  res.sendJson(response.status, response.body);
  return { status: response.status, code: error.code };
}
