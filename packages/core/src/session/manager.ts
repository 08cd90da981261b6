import type { ClaimValidator } from "../claims/claim";
import type { NormalisedConfig, TokenTransferMethod } from "../config";
import {
  InvalidInputError,
  isLatchError,
  StoreError,
  type StoreUnavailableError,
  TokenTheftError,
  TryRefreshTokenError,
  UnauthorisedError,
} from "../errors";
import { EventDispatcher, type RevocationReason } from "../events";
import type { BaseRequest } from "../http/base-request";
import type { BaseResponse } from "../http/base-response";
import type { Logger } from "../log";
import type { JSONObject, SessionRecord } from "../store/session-store";
import type { TelemetryRecorder } from "../telemetry";
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
  issueRefreshToken,
  type ParsedRefreshToken,
  parseRefreshToken,
  refreshTokenHashes,
} from "../tokens/refresh-token";
import { RotationKeys } from "../tokens/rotation-keys";
import { SigningKeys } from "../tokens/signing-keys";
import { VerifiedTokenCache } from "../tokens/verified-token-cache";
import { randomUuid, timingSafeEqual } from "../util/crypto";
import { storedIp, storedUserAgent } from "./client-ip";
import { FleetRevocations } from "./fleet-revocations";
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

/**
 * Refresh-token candidates examined per request, at most. Browsers send a few duplicates at worst
 * (an old cookie domain); more means padding, and each candidate costs a store read.
 */
const MAX_REFRESH_TOKEN_CANDIDATES = 4;

/** Where one presented refresh token stands against its session's row. */
interface AuthenticCandidate {
  kind: "current" | "parentInGrace" | "stale";
  token: ParsedRefreshToken;
  record: SessionRecord;
  /** The token that replaces this one at rotation (derived, so retries get the same). */
  child: string;
  presentedHash2: string;
  childHash2: string;
}
type ExaminedCandidate = AuthenticCandidate | { kind: "unauthorised"; reason: string };

/** A rotation that happened (or, for the in-grace parent, had already happened). */
interface RotatedSession {
  record: SessionRecord;
  refreshToken: string;
}

/** The session lifecycle: creation, verification, refresh with rotation and theft detection, revocation. */
export class SessionManager {
  readonly keys: SigningKeys;
  readonly cookies: TokenCookies;
  readonly rotationKeys: RotationKeys;
  readonly events: EventDispatcher;
  readonly #verifiedTokens = new VerifiedTokenCache();
  /** A token verified before comes from the cache, already parsed; anything else is parsed. */
  readonly #parseAccessToken = (raw: string): ParsedAccessToken | undefined =>
    this.#verifiedTokens.get(raw, Math.floor(Date.now() / 1000)) ?? parseAccessToken(raw);

  readonly log: Logger;
  /** Sessions revoked anywhere on the store, when fleet revocation is on (the store has a feed and it was not turned off). */
  readonly fleet: FleetRevocations | undefined;

  constructor(
    readonly config: NormalisedConfig,
    telemetry?: TelemetryRecorder,
  ) {
    this.log = config.logger;
    this.fleet =
      config.fleetRevocation &&
      new FleetRevocations(config.store, {
        retentionMs: config.accessTokenValiditySeconds * 1000,
        whileDisconnected: config.fleetRevocation.whileDisconnected,
        log: this.log,
      });
    this.keys = new SigningKeys(config);
    this.cookies = new TokenCookies(config);
    this.rotationKeys = new RotationKeys(config.refreshTokenSecrets);
    this.events = new EventDispatcher(config.onEvent, this.log, telemetry);
  }

  /** Hits and misses of the verified-token cache so far (telemetry reads them when it collects). */
  verifiedTokenCacheLookups(): { hits: number; misses: number } {
    return { hits: this.#verifiedTokens.hits, misses: this.#verifiedTokens.misses };
  }

  // ---- creation ---------------------------------------------------------------------------

  async createNewSession(input: CreateSessionInput, req?: BaseRequest, res?: BaseResponse): Promise<SessionContainer> {
    const tenantId = checkTenantId(input.tenantId);
    const userId = checkUserId(input.userId);
    const userPayload = checkAccessTokenPayload(input.accessTokenPayload, this.config);
    const sessionData = checkSessionData(input.sessionDataInDatabase, this.config);
    const now = Date.now();
    this.fleet?.start();

    const sessionHandle = randomUuid();
    const rotationKey = await this.rotationKeys.forNewSession();
    const refreshToken = await issueRefreshToken(sessionHandle, rotationKey.hmacKey);
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
      refreshTokenRotationKey: rotationKey.rowKey,
      expiresAt: now + this.config.refreshTokenValidityMs,
      createdAt: now,
      userAgent: storedUserAgent(req?.getHeader("user-agent")),
      ip: storedIp(req && this.config.getClientIp(req), this.config.ipAddress),
    };
    // Sign first: if signing fails (no key yet and the store is down) nothing has been written.
    const signed = await this.#sign(record, { hash1, parentHash1: null, antiCsrfToken }, now);
    const cap = this.config.maxSessionsPerUser;
    const pushedOut =
      cap === undefined
        ? await this.#store("create the session", () => this.config.store.createSession(record)).then(() => [])
        : await this.#store("create the session", () => this.config.store.createSessionWithinCap(record, cap, now));
    this.log.debug(`created session ${sessionHandle} (${input.transferMethod})`);
    this.events.emit({ type: "sessionCreated", sessionHandle, userId, tenantId });
    // The cap counts sessions of every tenant, so the tenant of those pushed out is not known here.
    this.emitRevoked(pushedOut, { userId, tenantId: undefined }, "session-cap");

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
    const fleet = this.fleet;
    if (
      payload &&
      !options.checkDatabase &&
      !options.overrideGlobalClaimValidators &&
      this.config.globalClaimValidators.length === 0 &&
      !fleet?.mustCheckStore
    ) {
      // The one thing fleet revocation adds to a protected GET: a Map lookup, no store read, no await.
      if (fleet?.isRevoked(payload.sessionHandle)) throw new UnauthorisedError("session revoked", { clearTokens: true });
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
    const fleet = this.fleet;
    fleet?.start();
    const payload =
      cachedPayload(token, now, this.#verifiedTokens) ??
      (await verifyAccessToken(this.keys, token, this.config.issuer, now, this.#verifiedTokens));
    if (fleet?.isRevoked(payload.sessionHandle)) throw new UnauthorisedError("session revoked", { clearTokens: true });
    if (options.antiCsrfCheck) this.#checkAntiCsrf(payload, options.antiCsrfHeader, options.hasRid);
    let cookieExpiry = now + this.config.refreshTokenValidityMs;
    // While the feed is down in the "check-store" mode, the store decides, as with checkDatabase.
    if (options.checkDatabase || fleet?.mustCheckStore) {
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
    this.fleet?.start();
    const found = readRefreshTokens(req);
    const legacyCookie = req.getCookies(LEGACY_ID_REFRESH_TOKEN_COOKIE).length > 0;
    if (!found) {
      if (legacyCookie) this.#clearLegacyCookie(res);
      throw new UnauthorisedError("no refresh token in the request", { clearTokens: false });
    }
    if (found.tokens.length > MAX_REFRESH_TOKEN_CANDIDATES) {
      // Each candidate costs a store read: padding a request with forged cookies must stay cheap.
      this.log.warn(
        `refresh refused: ${found.tokens.length} refresh tokens in one request (at most ${MAX_REFRESH_TOKEN_CANDIDATES} are examined)`,
      );
      throw new UnauthorisedError("too many refresh tokens in the request", { clearTokens: true });
    }
    if (found.transferMethod === "cookie") {
      if (this.config.antiCsrf === "VIA_CUSTOM_HEADER" && req.getHeader(RID_HEADER) === undefined) {
        throw new UnauthorisedError("anti-CSRF check failed on refresh: send the 'rid' header", { clearTokens: true });
      }
      this.#clearOlderDomainCookies(req, res);
    }
    let candidates = found.tokens;
    if (found.transferMethod === "cookie" && this.config.antiCsrf === "VIA_TOKEN") {
      // The echoed anti-CSRF token proves which refresh token the client holds; the others are ignored.
      const antiCsrfHeader = req.getHeader(ANTI_CSRF_HEADER);
      const proven = await Promise.all(
        candidates.map(async (token) => antiCsrfHeader !== undefined && timingSafeEqual(antiCsrfHeader, await antiCsrfTokenFor(token.raw))),
      );
      candidates = candidates.filter((_, i) => proven[i]);
      if (candidates.length === 0) {
        throw new UnauthorisedError("anti-CSRF check failed on refresh: the anti-csrf header does not match", { clearTokens: true });
      }
    }
    const result = await this.#rotateOneOf(candidates, Date.now());
    const session = await this.#afterRotation(result, found.transferMethod, req, res);
    if (legacyCookie) this.#clearLegacyCookie(res);
    return session;
  }

  /** Refresh for apps that read the tokens themselves; the new tokens come back on the session. */
  async refreshSessionWithoutRequestResponse(refreshToken: string, antiCsrfToken?: string): Promise<SessionContainer> {
    this.fleet?.start();
    const token = parseRefreshToken(refreshToken);
    if (!token) throw new UnauthorisedError("not a Latch refresh token", { clearTokens: true });
    if (antiCsrfToken !== undefined && !timingSafeEqual(antiCsrfToken, await antiCsrfTokenFor(token.raw))) {
      throw new UnauthorisedError("anti-CSRF check failed on refresh", { clearTokens: true });
    }
    const result = await this.#rotateOneOf([token], Date.now());
    return this.#afterRotation(result, antiCsrfToken === undefined ? "header" : "cookie");
  }

  /**
   * Examines every candidate before anything changes, then rotates at most one (SECURITY.md,
   * "Several refresh tokens in one request"). A request may carry several refresh cookies: one
   * left on an old cookie domain, or one planted by a neighbouring subdomain. Latch never chooses
   * between sessions, and one candidate never hides another's theft:
   * - a stale token (theft) is set aside only when the same request also holds the current token,
   *   or the in-grace parent, of the same session (a leftover cookie); otherwise that session is
   *   revoked and the answer is token theft detected;
   * - authentic candidates of different sessions: nothing rotates, 401 unauthorised;
   * - candidates of one session: the current token (or the in-grace parent) rotates as usual.
   */
  async #rotateOneOf(candidates: readonly ParsedRefreshToken[], now: number): Promise<RotatedSession> {
    const records = new Map<string, Promise<SessionRecord | undefined>>();
    const recordOf = (handle: string) => {
      let record = records.get(handle);
      if (!record) {
        record = this.#store("read the session", () => this.config.store.getSession(handle));
        records.set(handle, record);
      }
      return record;
    };
    const examined = await Promise.all(candidates.map(async (token) => this.#examine(token, await recordOf(token.sessionHandle), now)));
    const authentic = examined.filter((e): e is AuthenticCandidate => e.kind !== "unauthorised");

    const holdsLiveToken = (handle: string) => authentic.some((e) => e.kind !== "stale" && e.record.sessionHandle === handle);
    const thefts = authentic.filter((e) => e.kind === "stale" && !holdsLiveToken(e.record.sessionHandle));
    if (thefts.length > 0) await this.#revokeStolen(thefts.map((e) => e.record));

    const sessions = new Set(authentic.map((e) => e.record.sessionHandle));
    if (sessions.size > 1) {
      this.log.warn(
        `refresh refused: refresh tokens of ${sessions.size} different sessions in one request (a cookie planted from another subdomain?)`,
      );
      throw new UnauthorisedError("refresh tokens of different sessions in one request", { clearTokens: true });
    }
    const chosen = authentic.find((e) => e.kind === "current") ?? authentic.find((e) => e.kind === "parentInGrace");
    if (!chosen) {
      const only = examined.length === 1 ? examined[0] : undefined;
      throw new UnauthorisedError(only?.kind === "unauthorised" ? only.reason : "refresh token invalid or expired", { clearTokens: true });
    }
    if (chosen.kind === "parentInGrace") return this.#rotated(chosen, chosen.record);

    const newExpiresAt = now + this.config.refreshTokenValidityMs;
    const rotated = await this.#store("rotate the refresh token", () =>
      this.config.store.rotateRefreshToken({
        sessionHandle: chosen.record.sessionHandle,
        expectedRefreshTokenHash2: chosen.presentedHash2,
        newRefreshTokenHash2: chosen.childHash2,
        rotatedAt: now,
        newExpiresAt,
      }),
    );
    if (rotated) {
      return this.#rotated(chosen, {
        ...chosen.record,
        parentRefreshTokenHash2: chosen.record.refreshTokenHash2,
        refreshTokenHash2: chosen.childHash2,
        refreshTokenRotatedAt: now,
        expiresAt: newExpiresAt,
      });
    }
    // A parallel refresh with the same token won the race: this one is now the in-grace parent.
    const after = await this.#examine(
      chosen.token,
      await this.#store("read the session", () => this.config.store.getSession(chosen.record.sessionHandle)),
      now,
    );
    if (after.kind === "parentInGrace") return this.#rotated(after, after.record);
    if (after.kind === "stale") return this.#revokeStolen([after.record]);
    throw new UnauthorisedError(after.kind === "unauthorised" ? after.reason : "refresh token invalid or expired", { clearTokens: true });
  }

  /**
   * Where one refresh token stands against its session's row, without changing anything
   * (SuperTokens core 12.1's design): the current token rotates; the parent stays usable for the
   * grace period (its child is re-derived, not re-rotated); anything older, or the parent after its
   * grace, means two parties hold the family.
   */
  async #examine(token: ParsedRefreshToken, record: SessionRecord | undefined, now: number): Promise<ExaminedCandidate> {
    if (!record || record.expiresAt <= now) return { kind: "unauthorised", reason: "session revoked or expired" };
    const hmacKey = await this.rotationKeys.authenticKey(token, record.refreshTokenRotationKey);
    if (hmacKey === undefined) {
      if (this.rotationKeys.lacksSecretFor(record.refreshTokenRotationKey)) {
        this.log.error(`session ${record.sessionHandle} was made with a refreshTokenSecret this server does not have: refresh refused`);
      }
      return { kind: "unauthorised", reason: "refresh token not issued by this server" };
    }
    const presented = await refreshTokenHashes(token.raw);
    const child = await childRefreshToken(token, hmacKey);
    const childHashes = await refreshTokenHashes(child);
    const base = { token, record, child, presentedHash2: presented.hash2, childHash2: childHashes.hash2 };
    if (timingSafeEqual(presented.hash2, record.refreshTokenHash2)) return { kind: "current", ...base };
    const isParent = record.parentRefreshTokenHash2 !== null && timingSafeEqual(presented.hash2, record.parentRefreshTokenHash2);
    const inGrace = record.refreshTokenRotatedAt !== null && now - record.refreshTokenRotatedAt <= this.config.refreshTokenGracePeriodMs;
    if (isParent && inGrace && timingSafeEqual(childHashes.hash2, record.refreshTokenHash2)) return { kind: "parentInGrace", ...base };
    return { kind: "stale", ...base };
  }

  #rotated(candidate: AuthenticCandidate, record: SessionRecord): RotatedSession {
    return { record, refreshToken: candidate.child };
  }

  /** Revokes the sessions whose refresh-token family two parties hold; throws token theft detected. */
  async #revokeStolen(records: readonly SessionRecord[]): Promise<never> {
    const owners = new Map(records.map((record) => [record.sessionHandle, record]));
    const revoked = await this.#store("revoke the session", () => this.config.store.revokeSessions([...owners.keys()]));
    // Every stolen family, not only what this call deleted: a parallel request may have deleted it first.
    this.fleet?.add([...owners.keys()]);
    for (const { sessionHandle, userId, tenantId } of owners.values()) {
      this.log.warn(`refresh token reuse (possible token theft) on session ${sessionHandle}: the session was revoked`);
      this.events.emit({ type: "tokenTheftDetected", sessionHandle, userId, tenantId });
      if (revoked.includes(sessionHandle)) this.emitRevoked([sessionHandle], { userId, tenantId }, "token-theft");
    }
    const first = records[0] as SessionRecord;
    throw new TokenTheftError(first.sessionHandle, first.userId);
  }

  async #afterRotation(
    result: RotatedSession,
    transferMethod: TokenTransferMethod,
    req?: BaseRequest,
    res?: BaseResponse,
  ): Promise<SessionContainer> {
    const { record, refreshToken } = result;
    const now = Date.now();
    const { hash1 } = await refreshTokenHashes(refreshToken);
    const antiCsrfToken = this.#usesAntiCsrfToken(transferMethod) ? await antiCsrfTokenFor(refreshToken) : null;
    // parentRefreshTokenHash1 stays null: Latch's grace period lives in the store, and SuperTokens'
    // backend SDKs take a token that carries it as "not yet promoted" and ask a SuperTokens core.
    const signed = await this.#sign(record, { hash1, parentHash1: null, antiCsrfToken }, now);
    this.log.debug(`refreshed session ${record.sessionHandle}`);
    this.events.emit({ type: "sessionRefreshed", sessionHandle: record.sessionHandle, userId: record.userId, tenantId: record.tenantId });
    const state = this.#state(signed, record, transferMethod, { token: refreshToken, expiry: record.expiresAt }, req, res);
    if (req && res) {
      const other = transferMethod === "cookie" ? "header" : "cookie";
      if (hasTokensIn(req, other)) clearTokens(res, this.cookies, other);
      this.#send(state, true);
    }
    return new SessionContainer(this, state);
  }

  /** A refresh token used twice: the session is revoked and the caller gets TokenTheftError. */
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

  async revokeSessionAndClearClient(
    session: { sessionHandle: string; userId: string; tenantId: string },
    res: BaseResponse | undefined,
  ): Promise<void> {
    const revoked = await this.#store("revoke the session", () => this.config.store.revokeSessions([session.sessionHandle]));
    this.fleet?.add([session.sessionHandle]);
    this.log.debug(`revoked session ${session.sessionHandle}`);
    this.emitRevoked(revoked, session, "signout");
    if (res) clearSessionOnClient(res, this.cookies);
  }

  /** One sessionRevoked event per handle that was revoked; they are refused by this server at once. */
  emitRevoked(sessionHandles: readonly string[], owner: { userId: string; tenantId: string | undefined }, reason: RevocationReason): void {
    if (sessionHandles.length > 0) this.fleet?.add(sessionHandles);
    for (const sessionHandle of sessionHandles) {
      this.events.emit({ type: "sessionRevoked", sessionHandle, userId: owner.userId, tenantId: owner.tenantId, reason });
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Runs a store call, turning untyped failures into StoreError (typed ones pass through). */
  async #store<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // By code, not instanceof: a store may have been built against another copy of @latch/core.
      const typed = isLatchError(error) ? error : undefined;
      if (typed && typed.code !== "STORE_ERROR" && typed.code !== "STORE_UNAVAILABLE") throw error;
      const storeError =
        (typed as StoreError | StoreUnavailableError | undefined) ??
        new StoreError(this.config.store.name, `failed to ${what}`, { cause: error });
      this.events.emit({ type: "storeError", store: this.config.store.name, operation: what, error: storeError });
      throw storeError;
    }
  }

  /** The store wrapper for the handle-level API. */
  store<T>(what: string, call: () => Promise<T>): Promise<T> {
    this.fleet?.start();
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
