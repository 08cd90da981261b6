import type { ClaimValidator } from "../claims/claim";
import type { NormalisedConfig, TokenTransferMethod } from "../config";
import { InvalidInputError, isLatchError, StoreError, TokenTheftError, TryRefreshTokenError, UnauthorisedError } from "../errors";
import type { BaseRequest } from "../http/base-request";
import type { BaseResponse } from "../http/base-response";
import type { Logger } from "../log";
import type { JSONObject, SessionRecord } from "../store/session-store";
import {
  type AccessTokenPayload,
  cachedPayload,
  type ParsedAccessToken,
  parseAccessToken,
  signAccessToken,
  verifyAccessToken,
} from "../tokens/access-token";
import { frontTokenForPayload } from "../tokens/front-token";
import {
  antiCsrfTokenFor,
  childRefreshToken,
  isAuthentic,
  issueRefreshToken,
  type ParsedRefreshToken,
  parseRefreshToken,
  refreshTokenHashes,
} from "../tokens/refresh-token";
import { SigningKeys } from "../tokens/signing-keys";
import { VerifiedTokenCache } from "../tokens/verified-token-cache";
import { randomToken, randomUuid, timingSafeEqual } from "../util/crypto";
import { checkAccessTokenPayload, checkSessionData, checkTenantId, checkUserId, mergePayload, userPartOf } from "./input";
import { SessionContainer, type SessionState } from "./session";
import {
  ACCESS_TOKEN_COOKIE,
  ANTI_CSRF_HEADER,
  clearSessionOnClient,
  clearTokens,
  hasTokensIn,
  LEGACY_ID_REFRESH_TOKEN_COOKIE,
  REFRESH_TOKEN_COOKIE,
  RID_HEADER,
  readAccessToken,
  readRefreshTokens,
  sendTokens,
  TokenCookies,
} from "./token-transfer";

export interface GetSessionOptions {
  /** Default true: no session is a 401. With false, no session gives undefined (an invalid one is still an error). */
  sessionRequired?: boolean;
  /** Check anti-CSRF for this request. Default: for every method but GET, HEAD and OPTIONS. */
  antiCsrfCheck?: boolean;
  /** Also check that the session still exists in the store (catches revocation at once, costs a read). */
  checkDatabase?: boolean;
  /** Replace the global claim validators for this call (return [] to skip them). */
  overrideGlobalClaimValidators?: (
    globalValidators: ClaimValidator[],
    session: SessionContainer,
  ) => ClaimValidator[] | Promise<ClaimValidator[]>;
}

export interface CreateSessionInput {
  tenantId: unknown;
  userId: unknown;
  accessTokenPayload?: unknown;
  sessionDataInDatabase?: unknown;
  /** How the tokens travel (header mode never needs an anti-CSRF token). */
  transferMethod: TokenTransferMethod;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Outcome of presenting one refresh token. */
type RotationResult =
  | { kind: "rotated"; record: SessionRecord; refreshToken: string; parentHash1: string }
  | { kind: "unauthorised"; reason: string }
  | { kind: "theft"; record: SessionRecord };

/** The session lifecycle: creation, verification, refresh with rotation and theft detection, revocation. */
export class SessionManager {
  readonly keys: SigningKeys;
  readonly cookies: TokenCookies;
  readonly #verifiedTokens = new VerifiedTokenCache();
  /** A token verified before comes from the cache, already parsed; anything else is parsed. */
  readonly #parseAccessToken = (raw: string): ParsedAccessToken | undefined =>
    this.#verifiedTokens.get(raw, Math.floor(Date.now() / 1000)) ?? parseAccessToken(raw);

  readonly log: Logger;

  constructor(readonly config: NormalisedConfig) {
    this.log = config.logger;
    this.keys = new SigningKeys(config);
    this.cookies = new TokenCookies(config);
  }

  // ---- creation ---------------------------------------------------------------------------

  async createNewSession(input: CreateSessionInput, req?: BaseRequest, res?: BaseResponse): Promise<SessionContainer> {
    const tenantId = checkTenantId(input.tenantId);
    const userId = checkUserId(input.userId);
    const userPayload = checkAccessTokenPayload(input.accessTokenPayload, this.config);
    const sessionData = checkSessionData(input.sessionDataInDatabase, this.config);
    const now = Date.now();

    const sessionHandle = randomUuid();
    const rotationKey = randomToken();
    const refreshToken = await issueRefreshToken(sessionHandle, rotationKey);
    const { hash1, hash2 } = await refreshTokenHashes(refreshToken);
    const antiCsrfToken = this.#usesAntiCsrfToken(input.transferMethod) ? await antiCsrfTokenFor(refreshToken) : null;
    const record: SessionRecord = {
      sessionHandle,
      userId,
      recipeUserId: userId,
      tenantId,
      sessionDataInDatabase: sessionData,
      accessTokenPayload: userPayload,
      refreshTokenHash2: hash2,
      parentRefreshTokenHash2: null,
      refreshTokenRotatedAt: null,
      refreshTokenRotationKey: rotationKey,
      expiresAt: now + this.config.refreshTokenValidityMs,
      createdAt: now,
    };
    // Sign first: if signing fails (no key yet and the store is down) nothing has been written.
    const signed = await this.#sign(record, { hash1, parentHash1: null, antiCsrfToken }, now);
    await this.#store("create the session", () => this.config.store.createSession(record));
    this.log.debug(`created session ${sessionHandle} (${input.transferMethod})`);

    const state = this.#state(signed, record, input.transferMethod, { token: refreshToken, expiry: record.expiresAt }, req, res);
    if (req && res) {
      const other = input.transferMethod === "cookie" ? "header" : "cookie";
      if (hasTokensIn(req, other)) clearTokens(res, this.cookies, other);
      this.#send(state, true);
    }
    return new SessionContainer(this, state);
  }

  // ---- verification -----------------------------------------------------------------------

  async getSession(
    req: BaseRequest,
    res: BaseResponse | undefined,
    options: GetSessionOptions = {},
  ): Promise<SessionContainer | undefined> {
    return this.getSessionMaybeSync(req, res, options);
  }

  /**
   * getSession without a promise when none is needed: a token verified before (the cache), no
   * store read and no claim validators give the session at once. Errors are thrown, not
   * rejected, on that path. For adapters on the hot path: a promise and its microtask hops were
   * a measurable share of a protected GET on Express (bench/OPTIMISATIONS.md).
   */
  getSessionMaybeSync(
    req: BaseRequest,
    res: BaseResponse | undefined,
    options: GetSessionOptions = {},
  ): SessionContainer | undefined | Promise<SessionContainer | undefined> {
    if (req.getCookies(LEGACY_ID_REFRESH_TOKEN_COOKIE).length > 0) {
      throw new TryRefreshTokenError("legacy session cookie: refresh to migrate");
    }
    const found = readAccessToken(req, this.#parseAccessToken);
    // Checked whenever no Bearer token decides: the first of the duplicates may be the one that
    // does not parse (an old domain's leftover), and that is still "refresh", not "no session".
    if (found?.transferMethod !== "header" && req.getCookies(ACCESS_TOKEN_COOKIE).length > 1) {
      this.log.debug("several sAccessToken cookies (an old cookieDomain?): asking for a refresh; set olderCookieDomain to clear them");
      throw new TryRefreshTokenError("several access-token cookies");
    }
    if (!found) {
      if (options.sessionRequired === false) return undefined;
      throw new UnauthorisedError("no session: no access token in the request", { clearTokens: false });
    }
    const antiCsrfCheck = found.transferMethod === "cookie" && (options.antiCsrfCheck ?? !SAFE_METHODS.has(req.getMethod()));
    // Read only when checked: a GET needs neither header.
    const antiCsrfHeader = antiCsrfCheck ? req.getHeader(ANTI_CSRF_HEADER) : undefined;
    const hasRid = antiCsrfCheck && req.getHeader(RID_HEADER) !== undefined;
    const now = Date.now();
    const payload = cachedPayload(found.token, now, this.#verifiedTokens);
    if (payload && !options.checkDatabase && !options.overrideGlobalClaimValidators && this.config.globalClaimValidators.length === 0) {
      if (antiCsrfCheck) this.#checkAntiCsrf(payload, antiCsrfHeader, hasRid);
      return this.#session(found.token, payload, found.transferMethod, now + this.config.refreshTokenValidityMs, req, res);
    }
    return this.#verify(found.token, found.transferMethod, { ...options, antiCsrfCheck, req, res, antiCsrfHeader, hasRid });
  }

  /** Verification for apps that read the tokens themselves. */
  async getSessionWithoutRequestResponse(
    accessToken: string,
    antiCsrfToken: string | undefined,
    options: Omit<GetSessionOptions, "sessionRequired"> = {},
  ): Promise<SessionContainer> {
    const token = this.#parseAccessToken(accessToken);
    if (!token) throw new UnauthorisedError("not a Latch access token", { clearTokens: false });
    return this.#verify(token, "header", {
      ...options,
      antiCsrfCheck: options.antiCsrfCheck ?? false,
      antiCsrfHeader: antiCsrfToken,
      hasRid: true,
    });
  }

  async #verify(
    token: ParsedAccessToken,
    transferMethod: TokenTransferMethod,
    options: GetSessionOptions & {
      antiCsrfCheck: boolean;
      antiCsrfHeader: string | undefined;
      hasRid: boolean;
      req?: BaseRequest;
      res?: BaseResponse | undefined;
    },
  ): Promise<SessionContainer> {
    const now = Date.now();
    const payload =
      cachedPayload(token, now, this.#verifiedTokens) ??
      (await verifyAccessToken(this.keys, token, this.config.issuer, now, this.#verifiedTokens));
    if (options.antiCsrfCheck) this.#checkAntiCsrf(payload, options.antiCsrfHeader, options.hasRid);
    let cookieExpiry = now + this.config.refreshTokenValidityMs;
    if (options.checkDatabase) {
      const record = await this.#store("read the session", () => this.config.store.getSession(payload.sessionHandle));
      if (!record || record.expiresAt <= now) throw new UnauthorisedError("session revoked or expired", { clearTokens: true });
      cookieExpiry = record.expiresAt;
    }
    const session = this.#session(token, payload, transferMethod, cookieExpiry, options.req, options.res);
    const globalValidators = this.config.globalClaimValidators;
    const validators = options.overrideGlobalClaimValidators
      ? await options.overrideGlobalClaimValidators([...globalValidators], session)
      : globalValidators;
    if (validators.length > 0) await session.assertClaims(validators);
    return session;
  }

  #session(
    token: ParsedAccessToken,
    payload: AccessTokenPayload,
    transferMethod: TokenTransferMethod,
    cookieExpiry: number,
    req: BaseRequest | undefined,
    res: BaseResponse | undefined,
  ): SessionContainer {
    return new SessionContainer(this, {
      accessToken: token.raw,
      payload,
      frontToken: undefined,
      refreshToken: undefined,
      antiCsrfToken: payload.antiCsrfToken ?? undefined,
      accessTokenCookieExpiry: cookieExpiry,
      accessAndFrontTokenUpdated: false,
      transferMethod,
      req,
      res,
    });
  }

  #checkAntiCsrf(payload: AccessTokenPayload, antiCsrfHeader: string | undefined, hasRid: boolean): void {
    if (this.config.antiCsrf === "VIA_CUSTOM_HEADER" && !hasRid) {
      throw new TryRefreshTokenError("anti-CSRF check failed: send the 'rid' header");
    }
    if (this.config.antiCsrf === "VIA_TOKEN") {
      const expected = payload.antiCsrfToken;
      if (!expected || antiCsrfHeader === undefined || !timingSafeEqual(antiCsrfHeader, expected)) {
        throw new TryRefreshTokenError("anti-CSRF check failed: the anti-csrf header does not match");
      }
    }
  }

  // ---- refresh ----------------------------------------------------------------------------

  async refreshSession(req: BaseRequest, res: BaseResponse): Promise<SessionContainer> {
    const found = readRefreshTokens(req);
    const legacyCookie = req.getCookies(LEGACY_ID_REFRESH_TOKEN_COOKIE).length > 0;
    if (!found) {
      if (legacyCookie) this.#clearLegacyCookie(res);
      throw new UnauthorisedError("no refresh token in the request", { clearTokens: false });
    }
    if (found.transferMethod === "cookie") {
      if (this.config.antiCsrf === "VIA_CUSTOM_HEADER" && req.getHeader(RID_HEADER) === undefined) {
        throw new UnauthorisedError("anti-CSRF check failed on refresh: send the 'rid' header", { clearTokens: true });
      }
      this.#clearOlderDomainCookies(req, res);
    }
    const antiCsrfHeader = req.getHeader(ANTI_CSRF_HEADER);
    const checkAntiCsrfToken = found.transferMethod === "cookie" && this.config.antiCsrf === "VIA_TOKEN";
    // Several refresh cookies (an old cookieDomain) are ambiguous: try each, and never call one theft.
    const ambiguous = found.tokens.length > 1;
    for (const token of found.tokens) {
      if (checkAntiCsrfToken && (antiCsrfHeader === undefined || !timingSafeEqual(antiCsrfHeader, await antiCsrfTokenFor(token.raw)))) {
        if (ambiguous) continue;
        throw new UnauthorisedError("anti-CSRF check failed on refresh: the anti-csrf header does not match", { clearTokens: true });
      }
      const result = await this.#rotate(token, Date.now());
      if (result.kind === "rotated") {
        const session = await this.#afterRotation(result, found.transferMethod, req, res);
        if (legacyCookie) this.#clearLegacyCookie(res);
        return session;
      }
      if (result.kind === "theft" && !ambiguous) {
        throw await this.#revokeStolenSession(result.record);
      }
      if (!ambiguous && result.kind === "unauthorised") throw new UnauthorisedError(result.reason, { clearTokens: true });
    }
    throw new UnauthorisedError("refresh token invalid or expired", { clearTokens: true });
  }

  /** Refresh for apps that read the tokens themselves; the new tokens come back on the session. */
  async refreshSessionWithoutRequestResponse(refreshToken: string, antiCsrfToken?: string): Promise<SessionContainer> {
    const token = parseRefreshToken(refreshToken);
    if (!token) throw new UnauthorisedError("not a Latch refresh token", { clearTokens: true });
    if (antiCsrfToken !== undefined && !timingSafeEqual(antiCsrfToken, await antiCsrfTokenFor(token.raw))) {
      throw new UnauthorisedError("anti-CSRF check failed on refresh", { clearTokens: true });
    }
    const result = await this.#rotate(token, Date.now());
    if (result.kind === "theft") {
      throw await this.#revokeStolenSession(result.record);
    }
    if (result.kind === "unauthorised") throw new UnauthorisedError(result.reason, { clearTokens: true });
    return this.#afterRotation(result, antiCsrfToken === undefined ? "header" : "cookie");
  }

  /**
   * Rotation inside one compare-and-set (SuperTokens core 12.1's design): the current token is
   * replaced by its child and becomes the parent; the parent stays usable for the grace period
   * (its child is re-derived, not re-rotated); anything older, or the parent after its grace,
   * means two parties hold the family.
   */
  async #rotate(token: ParsedRefreshToken, now: number): Promise<RotationResult> {
    const store = this.config.store;
    let record = await this.#store("read the session", () => store.getSession(token.sessionHandle));
    if (!record || record.expiresAt <= now) return { kind: "unauthorised", reason: "session revoked or expired" };
    if (!(await isAuthentic(token, record.refreshTokenRotationKey)))
      return { kind: "unauthorised", reason: "refresh token not issued by this server" };
    const presented = await refreshTokenHashes(token.raw);
    const child = await childRefreshToken(token, record.refreshTokenRotationKey);
    const childHashes = await refreshTokenHashes(child);

    if (timingSafeEqual(presented.hash2, record.refreshTokenHash2)) {
      const newExpiresAt = now + this.config.refreshTokenValidityMs;
      const rotated = await this.#store("rotate the refresh token", () =>
        store.rotateRefreshToken({
          sessionHandle: record?.sessionHandle ?? token.sessionHandle,
          expectedRefreshTokenHash2: presented.hash2,
          newRefreshTokenHash2: childHashes.hash2,
          rotatedAt: now,
          newExpiresAt,
        }),
      );
      if (rotated) {
        const updated: SessionRecord = {
          ...record,
          parentRefreshTokenHash2: record.refreshTokenHash2,
          refreshTokenHash2: childHashes.hash2,
          refreshTokenRotatedAt: now,
          expiresAt: newExpiresAt,
        };
        return { kind: "rotated", record: updated, refreshToken: child, parentHash1: presented.hash1 };
      }
      // A parallel refresh with the same token won the race: this one is now the parent.
      record = await this.#store("read the session", () => store.getSession(token.sessionHandle));
      if (!record || record.expiresAt <= now) return { kind: "unauthorised", reason: "session revoked or expired" };
    }

    const isParent = record.parentRefreshTokenHash2 !== null && timingSafeEqual(presented.hash2, record.parentRefreshTokenHash2);
    const inGrace = record.refreshTokenRotatedAt !== null && now - record.refreshTokenRotatedAt <= this.config.refreshTokenGracePeriodMs;
    if (isParent && inGrace && timingSafeEqual(childHashes.hash2, record.refreshTokenHash2)) {
      return { kind: "rotated", record, refreshToken: child, parentHash1: presented.hash1 };
    }
    return { kind: "theft", record };
  }

  async #afterRotation(
    result: Extract<RotationResult, { kind: "rotated" }>,
    transferMethod: TokenTransferMethod,
    req?: BaseRequest,
    res?: BaseResponse,
  ): Promise<SessionContainer> {
    const { record, refreshToken } = result;
    const now = Date.now();
    const { hash1 } = await refreshTokenHashes(refreshToken);
    const antiCsrfToken = this.#usesAntiCsrfToken(transferMethod) ? await antiCsrfTokenFor(refreshToken) : null;
    const signed = await this.#sign(record, { hash1, parentHash1: result.parentHash1, antiCsrfToken }, now);
    this.log.debug(`refreshed session ${record.sessionHandle}`);
    const state = this.#state(signed, record, transferMethod, { token: refreshToken, expiry: record.expiresAt }, req, res);
    if (req && res) {
      const other = transferMethod === "cookie" ? "header" : "cookie";
      if (hasTokensIn(req, other)) clearTokens(res, this.cookies, other);
      this.#send(state, true);
    }
    return new SessionContainer(this, state);
  }

  #clearOlderDomainCookies(req: BaseRequest, res: BaseResponse): void {
    const older = this.config.olderCookieDomain;
    if (!older) return;
    if (req.getCookies(ACCESS_TOKEN_COOKIE).length > 1 || req.getCookies(REFRESH_TOKEN_COOKIE).length > 1) {
      this.log.debug(`clearing session cookies of the older cookie domain ${older}`);
      clearTokens(res, this.cookies, "cookie", older);
    }
  }

  #clearLegacyCookie(res: BaseResponse): void {
    res.setCookie({ ...this.cookies.accessToken("", 0), name: LEGACY_ID_REFRESH_TOKEN_COOKIE });
  }

  // ---- changes to a live session ----------------------------------------------------------

  /** New access token with a merged payload; the store's copy is updated so refreshes keep it. */
  async reissueAccessToken(state: SessionState, patch: JSONObject): Promise<SessionState> {
    const checkedPatch = checkAccessTokenPayload(requireValue(patch, "accessTokenPayload"), {
      ...this.config,
      maxAccessTokenPayloadBytes: Number.MAX_SAFE_INTEGER,
    });
    const userPayload = checkAccessTokenPayload(mergePayload(userPartOf(state.payload), checkedPatch), this.config);
    const handle = state.payload.sessionHandle;
    const updated = await this.#store("update the access-token payload", () =>
      this.config.store.updateAccessTokenPayload(handle, userPayload),
    );
    if (!updated) throw new UnauthorisedError("session revoked", { clearTokens: true });
    const now = Date.now();
    const record = {
      sessionHandle: handle,
      userId: state.payload.sub,
      recipeUserId: state.payload.rsub,
      tenantId: state.payload.tId,
      accessTokenPayload: userPayload,
    };
    const signed = await this.#sign(
      record,
      {
        hash1: state.payload.refreshTokenHash1,
        parentHash1: state.payload.parentRefreshTokenHash1,
        antiCsrfToken: state.payload.antiCsrfToken,
      },
      now,
    );
    const next: SessionState = {
      ...state,
      accessToken: signed.token,
      payload: signed.payload,
      frontToken: frontTokenForPayload(signed.payload),
      accessAndFrontTokenUpdated: true,
    };
    this.#send(next, false);
    return next;
  }

  async requireSessionRecord(sessionHandle: string, state: SessionState): Promise<SessionRecord> {
    const record = await this.getSessionRecord(sessionHandle);
    if (!record) {
      if (state.res && state.req) clearSessionOnClient(state.res, this.cookies);
      throw new UnauthorisedError("session revoked or expired", { clearTokens: true });
    }
    return record;
  }

  async getSessionRecord(sessionHandle: string): Promise<SessionRecord | undefined> {
    const record = await this.#store("read the session", () => this.config.store.getSession(sessionHandle));
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  async updateSessionDataForSession(sessionHandle: string, data: JSONObject, state: SessionState): Promise<void> {
    const checked = checkSessionData(requireValue(data, "sessionDataInDatabase"), this.config);
    const updated = await this.#store("update the session data", () => this.config.store.updateSessionData(sessionHandle, checked));
    if (!updated) {
      if (state.res) clearSessionOnClient(state.res, this.cookies);
      throw new UnauthorisedError("session revoked or expired", { clearTokens: true });
    }
  }

  async revokeSessionAndClearClient(sessionHandle: string, res: BaseResponse | undefined): Promise<void> {
    await this.#store("revoke the session", () => this.config.store.revokeSessions([sessionHandle]));
    this.log.debug(`revoked session ${sessionHandle}`);
    if (res) clearSessionOnClient(res, this.cookies);
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** A refresh token of an older rotation came back: the family is revoked and the operator told. */
  async #revokeStolenSession(record: SessionRecord): Promise<TokenTheftError> {
    await this.#store("revoke the session", () => this.config.store.revokeSessions([record.sessionHandle]));
    this.log.warn(`refresh token reuse (possible token theft) on session ${record.sessionHandle}: the session was revoked`);
    return new TokenTheftError(record.sessionHandle, record.userId);
  }

  /** Runs a store call, turning untyped failures into StoreError (typed ones pass through). */
  async #store<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isLatchError(error)) throw error;
      throw new StoreError(this.config.store.name, `failed to ${what}`, { cause: error });
    }
  }

  /** The store wrapper for the handle-level API. */
  store<T>(what: string, call: () => Promise<T>): Promise<T> {
    return this.#store(what, call);
  }

  #usesAntiCsrfToken(transferMethod: TokenTransferMethod): boolean {
    return this.config.antiCsrf === "VIA_TOKEN" && transferMethod === "cookie";
  }

  async #sign(
    record: Pick<SessionRecord, "sessionHandle" | "userId" | "recipeUserId" | "tenantId" | "accessTokenPayload">,
    tokens: { hash1: string; parentHash1: string | null; antiCsrfToken: string | null },
    now: number,
  ) {
    return signAccessToken(this.keys, {
      userId: record.userId,
      recipeUserId: record.recipeUserId,
      tenantId: record.tenantId,
      sessionHandle: record.sessionHandle,
      refreshTokenHash1: tokens.hash1,
      parentRefreshTokenHash1: tokens.parentHash1,
      antiCsrfToken: tokens.antiCsrfToken,
      userPayload: record.accessTokenPayload,
      issuer: this.config.issuer,
      validitySeconds: this.config.accessTokenValiditySeconds,
      now,
    });
  }

  #state(
    signed: { token: string; payload: AccessTokenPayload },
    record: SessionRecord,
    transferMethod: TokenTransferMethod,
    refreshToken: SessionState["refreshToken"],
    req: BaseRequest | undefined,
    res: BaseResponse | undefined,
  ): SessionState {
    return {
      accessToken: signed.token,
      payload: signed.payload,
      frontToken: frontTokenForPayload(signed.payload),
      refreshToken,
      antiCsrfToken: signed.payload.antiCsrfToken ?? undefined,
      accessTokenCookieExpiry: record.expiresAt,
      accessAndFrontTokenUpdated: true,
      transferMethod,
      req,
      res,
    };
  }

  /** Sends the state's tokens on its response, if it has one. */
  #send(state: SessionState, withRefreshToken: boolean): void {
    if (!state.res) return;
    sendTokens(state.res, this.cookies, state.transferMethod, {
      accessToken: state.accessToken,
      accessTokenCookieExpiry: state.accessTokenCookieExpiry,
      frontToken: state.frontToken ?? frontTokenForPayload(state.payload),
      refreshToken: withRefreshToken ? state.refreshToken : undefined,
      antiCsrfToken: withRefreshToken ? state.antiCsrfToken : undefined,
    });
  }
}

/** Updates take no default: an absent value is the app's mistake, not "{}". */
function requireValue<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new InvalidInputError(field, "is required");
  return value;
}
