import type { ClaimValidator, SessionClaim } from "../claims/claim";
import type { TokenTransferMethod } from "../config";
import { type ClaimValidationError, InvalidClaimError } from "../errors";
import type { BaseRequest } from "../http/base-request";
import type { BaseResponse } from "../http/base-response";
import type { Cookie } from "../http/cookies";
import type { JSONObject, JSONValue } from "../store/session-store";
import type { AccessTokenPayload } from "../tokens/access-token";
import { frontTokenForPayload } from "../tokens/front-token";
import type { SessionManager } from "./manager";

/** Every token of a session, for apps that send them themselves. Handle like passwords. */
export interface SessionTokens {
  accessToken: string;
  /** Only right after creation or refresh; a verified session does not know its refresh token. */
  refreshToken: string | undefined;
  antiCsrfToken: string | undefined;
  frontToken: string;
  /** True when the access and front tokens changed since the session was obtained (send them again). */
  accessAndFrontTokenUpdated: boolean;
  /** Ready-made cookies with every configured attribute (expiry, path, domain, secure, sameSite). */
  accessTokenCookie: Cookie;
  refreshTokenCookie: Cookie | undefined;
}

/** Internal state of a session; built by SessionManager only. */
export interface SessionState {
  accessToken: string;
  /** Never mutated (it may be shared through the verified-token cache); changes replace it. */
  payload: AccessTokenPayload;
  /** Computed when first needed: verification alone never needs it. */
  frontToken: string | undefined;
  refreshToken: { token: string; expiry: number } | undefined;
  antiCsrfToken: string | undefined;
  /** When the access-token cookie should expire (the session's expiry when known). */
  accessTokenCookieExpiry: number;
  accessAndFrontTokenUpdated: boolean;
  transferMethod: TokenTransferMethod;
  req: BaseRequest | undefined;
  res: BaseResponse | undefined;
}

/** A verified (or just created) session: what getSession, createNewSession and refreshSession return. */
export class SessionContainer {
  readonly #manager: SessionManager;
  #state: SessionState;

  /** @internal */
  constructor(manager: SessionManager, state: SessionState) {
    this.#manager = manager;
    this.#state = state;
  }

  getUserId(): string {
    return this.#state.payload.sub;
  }

  getRecipeUserId(): string {
    return this.#state.payload.rsub;
  }

  getTenantId(): string {
    return this.#state.payload.tId;
  }

  getHandle(): string {
    return this.#state.payload.sessionHandle;
  }

  /** The whole access-token payload, Latch's claims (sub, exp, tId...) included. */
  getAccessTokenPayload(): AccessTokenPayload {
    return structuredClone(this.#state.payload);
  }

  getAccessToken(): string {
    return this.#state.accessToken;
  }

  /** How this session's tokens travel: "cookie" or "header". */
  getTransferMethod(): TokenTransferMethod {
    return this.#state.transferMethod;
  }

  getAllSessionTokensDangerously(): SessionTokens {
    const state = this.#state;
    const cookies = this.#manager.cookies;
    state.frontToken ??= frontTokenForPayload(state.payload);
    return {
      accessToken: state.accessToken,
      refreshToken: state.refreshToken?.token,
      antiCsrfToken: state.antiCsrfToken,
      frontToken: state.frontToken,
      accessAndFrontTokenUpdated: state.accessAndFrontTokenUpdated,
      accessTokenCookie: cookies.accessToken(state.accessToken, state.accessTokenCookieExpiry),
      refreshTokenCookie: state.refreshToken && cookies.refreshToken(state.refreshToken.token, state.refreshToken.expiry),
    };
  }

  /**
   * Merges into the app's part of the payload (a key set to null is removed), issues a new access
   * token and, when the session is tied to a response, sends it with a new front token.
   */
  async mergeIntoAccessTokenPayload(patch: JSONObject): Promise<void> {
    this.#state = await this.#manager.reissueAccessToken(this.#state, patch);
  }

  async getSessionDataFromDatabase(): Promise<JSONObject> {
    return (await this.#manager.requireSessionRecord(this.getHandle(), this.#state)).sessionDataInDatabase;
  }

  async updateSessionDataInDatabase(data: JSONObject): Promise<void> {
    await this.#manager.updateSessionDataForSession(this.getHandle(), data, this.#state);
  }

  /** Revokes the session in the store and, when tied to a response, clears the client's tokens. */
  async revokeSession(): Promise<void> {
    const payload = this.#state.payload;
    await this.#manager.revokeSessionAndClearClient(
      { sessionHandle: payload.sessionHandle, userId: payload.sub, tenantId: payload.tId },
      this.#state.res,
    );
  }

  /** When the session (its refresh token) expires, ms since epoch. Reads the store. */
  async getExpiry(): Promise<number> {
    return (await this.#manager.requireSessionRecord(this.getHandle(), this.#state)).expiresAt;
  }

  /** When the session was created, ms since epoch. Reads the store. */
  async getTimeCreated(): Promise<number> {
    return (await this.#manager.requireSessionRecord(this.getHandle(), this.#state)).createdAt;
  }

  getClaimValue<T extends JSONValue>(claim: SessionClaim<T>): T | undefined {
    return claim.getValueFromPayload(this.#state.payload);
  }

  /** Fetches the claim's value (its fetchValue) and stores it in the payload. */
  async fetchAndSetClaim<T extends JSONValue>(claim: SessionClaim<T>): Promise<void> {
    const patch = await claim.build({
      userId: this.getUserId(),
      recipeUserId: this.getRecipeUserId(),
      tenantId: this.getTenantId(),
      accessTokenPayload: this.getAccessTokenPayload(),
    });
    await this.mergeIntoAccessTokenPayload(patch);
  }

  async setClaimValue<T extends JSONValue>(claim: SessionClaim<T>, value: T): Promise<void> {
    await this.mergeIntoAccessTokenPayload(claim.addToPayload({}, value));
  }

  async removeClaim<T extends JSONValue>(claim: SessionClaim<T>): Promise<void> {
    await this.mergeIntoAccessTokenPayload(claim.removeFromPayload({}));
  }

  /** Refetches stale claims the validators name, then throws InvalidClaimError if any validator fails. */
  async assertClaims(validators: readonly ClaimValidator[]): Promise<void> {
    const refetch: JSONObject = {};
    for (const validator of validators) {
      if (validator.claim && validator.shouldRefetch?.(this.#state.payload)) {
        Object.assign(
          refetch,
          await validator.claim.build({
            userId: this.getUserId(),
            recipeUserId: this.getRecipeUserId(),
            tenantId: this.getTenantId(),
            accessTokenPayload: this.getAccessTokenPayload(),
          }),
        );
      }
    }
    if (Object.keys(refetch).length > 0) await this.mergeIntoAccessTokenPayload(refetch);

    const failures: ClaimValidationError[] = [];
    for (const validator of validators) {
      const result = await validator.validate(this.#state.payload);
      if (!result.isValid) failures.push(result.reason === undefined ? { id: validator.id } : { id: validator.id, reason: result.reason });
    }
    if (failures.length > 0) throw new InvalidClaimError(failures);
  }
}
