import type { JWK } from "jose";
import { type LatchConfig, type NormalisedConfig, normaliseConfig } from "./config";
import { InvalidInputError } from "./errors";
import type { RevocationReason } from "./events";
import type { BaseRequest } from "./http/base-request";
import type { BaseResponse } from "./http/base-response";
import { type RequestLike, type ResponseLike, toBaseRequest, toBaseResponse } from "./http/binding";
import { answerError } from "./http/error-response";
import { checkAccessTokenPayload, checkSessionData, checkSessionHandle, checkTenantId, checkUserId, mergePayload } from "./session/input";
import { type GetSessionOptions, SessionManager } from "./session/manager";
import type { SessionContainer } from "./session/session";
import { CORS_ALLOWED_HEADERS } from "./session/token-transfer";
import type { JSONObject, SessionRecord } from "./store/session-store";
import { WatchedStore } from "./store/watched-store";
import type { LatchRoute, RouteTrace, TelemetryRecorder } from "./telemetry";

export const DEFAULT_TENANT_ID = "public";

/** What getSessionInformation returns, and listSessionsForUser lists. */
export interface SessionInformation {
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  sessionDataInDatabase: JSONObject;
  /** The app's part of the access-token payload as last stored. */
  customClaimsInAccessTokenPayload: JSONObject;
  expiry: number;
  /** Same as `createdAt` (the name SuperTokens uses). */
  timeCreated: number;
  /** When the session was created (login), ms since epoch. */
  createdAt: number;
  /** When the session was last refreshed, or created if never: refreshes write, requests with a valid access token do not. */
  lastActiveAt: number;
  /** The User-Agent of the login request (at most 512 characters), or null. */
  userAgent: string | null;
  /** The IP address of the login request as `ipAddress` says to keep it (whole, truncated or not at all: null). */
  ip: string | null;
}

/** A page of `listSessionsForUser`. */
export interface SessionList {
  sessions: SessionInformation[];
  /** Pass as `cursor` for the next page; undefined on the last page. */
  nextCursor: string | undefined;
}

export interface ListSessionsOptions {
  /** Only this tenant's sessions; undefined lists every tenant. */
  tenantId?: string;
  /** Sessions per page, 1 to 1000. Default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

function sessionInformation(record: SessionRecord): SessionInformation {
  return {
    sessionHandle: record.sessionHandle,
    userId: record.userId,
    recipeUserId: record.recipeUserId,
    tenantId: record.tenantId,
    sessionDataInDatabase: record.sessionDataInDatabase,
    customClaimsInAccessTokenPayload: record.accessTokenPayload,
    expiry: record.expiresAt,
    timeCreated: record.createdAt,
    createdAt: record.createdAt,
    lastActiveAt: record.refreshTokenRotatedAt ?? record.createdAt,
    userAgent: record.userAgent,
    ip: record.ip,
  };
}

/** A cursor is "<createdAt>.<sessionHandle>" of the last session of the previous page. */
function parseCursor(cursor: string): { createdAt: number; sessionHandle: string } {
  const match = typeof cursor === "string" ? /^(\d{1,16})\.(.+)$/s.exec(cursor) : null;
  if (!match?.[1] || !match[2]) throw new InvalidInputError("cursor", "is not a cursor listSessionsForUser returned");
  return { createdAt: Number(match[1]), sessionHandle: match[2] };
}

/**
 * One configured instance of Latch. Apps with one config can use `init()` and the module-level
 * functions instead; tests and apps with several configs create instances.
 */
export class Latch {
  readonly config: NormalisedConfig;
  readonly #manager: SessionManager;
  /** Undefined without `config.telemetry`: then every telemetry call site is one skipped branch. */
  readonly #telemetry: TelemetryRecorder | undefined;

  constructor(config: LatchConfig) {
    const normalised = normaliseConfig(config);
    this.#telemetry = normalised.telemetry?.attach({
      storeName: normalised.store.name,
      verifiedTokenCacheLookups: () => this.#manager.verifiedTokenCacheLookups(),
    });
    // Every store call, from requests and from the handle-level API alike, goes through the watch.
    this.config = { ...normalised, store: new WatchedStore(normalised.store, normalised.logger, this.#telemetry) };
    this.#manager = new SessionManager(this.config, this.#telemetry);
  }

  /** Creates a session for `userId` in tenant "public" and sends its tokens on `res`. */
  createNewSession(req: RequestLike, res: ResponseLike, userId: string): Promise<SessionContainer>;
  /** Creates a session and sends its tokens on `res` (cookies or headers, as the client asks). */
  createNewSession(
    req: RequestLike,
    res: ResponseLike,
    tenantId: string,
    userId: string,
    accessTokenPayload?: JSONObject,
    sessionDataInDatabase?: JSONObject,
  ): Promise<SessionContainer>;
  async createNewSession(req: RequestLike, res: ResponseLike, ...args: unknown[]): Promise<SessionContainer> {
    const [tenantId, userId, accessTokenPayload, sessionDataInDatabase] = args.length <= 1 ? [DEFAULT_TENANT_ID, args[0]] : args;
    const request = toBaseRequest(req);
    const response = toBaseResponse(res);
    return this.#manager.createNewSession(
      { tenantId, userId, accessTokenPayload, sessionDataInDatabase, transferMethod: this.config.getTokenTransferMethod(request) },
      request,
      response,
    );
  }

  /**
   * Creates a session without a request or response: the app sends the tokens itself, from
   * `session.getAllSessionTokensDangerously()` (which includes ready-made cookies).
   * `disableAntiCsrf` skips the anti-CSRF token (for header-based clients).
   */
  createNewSessionWithoutRequestResponse(
    tenantId: string,
    userId: string,
    accessTokenPayload?: JSONObject,
    sessionDataInDatabase?: JSONObject,
    disableAntiCsrf = false,
  ): Promise<SessionContainer> {
    return this.#manager.createNewSession({
      tenantId,
      userId,
      accessTokenPayload,
      sessionDataInDatabase,
      transferMethod: disableAntiCsrf ? "header" : "cookie",
    });
  }

  /** Verifies the request's session (no store call unless `checkDatabase`). */
  getSession(
    req: RequestLike,
    res: ResponseLike,
    options: GetSessionOptions & { sessionRequired: false },
  ): Promise<SessionContainer | undefined>;
  getSession(req: RequestLike, res: ResponseLike, options?: GetSessionOptions): Promise<SessionContainer>;
  async getSession(req: RequestLike, res: ResponseLike, options?: GetSessionOptions): Promise<SessionContainer | undefined> {
    return this.#manager.getSession(toBaseRequest(req), toBaseResponse(res), options);
  }

  /**
   * For adapters: `getSession` that returns the session itself, not a promise, when it can (a
   * token verified before, no `checkDatabase`, no claim validators), and otherwise a promise. On
   * the synchronous path errors are thrown; on the other, the promise rejects.
   */
  getSessionMaybeSync(
    req: RequestLike,
    res: ResponseLike,
    options?: GetSessionOptions,
  ): SessionContainer | undefined | Promise<SessionContainer | undefined> {
    return this.#manager.getSessionMaybeSync(toBaseRequest(req), toBaseResponse(res), options);
  }

  getSessionWithoutRequestResponse(
    accessToken: string,
    antiCsrfToken?: string,
    options?: Omit<GetSessionOptions, "sessionRequired">,
  ): Promise<SessionContainer> {
    return this.#manager.getSessionWithoutRequestResponse(accessToken, antiCsrfToken, options);
  }

  /** Rotates the refresh token and sends new tokens on `res`. */
  refreshSession(req: RequestLike, res: ResponseLike): Promise<SessionContainer> {
    return this.#manager.refreshSession(toBaseRequest(req), toBaseResponse(res));
  }

  refreshSessionWithoutRequestResponse(refreshToken: string, antiCsrfToken?: string): Promise<SessionContainer> {
    return this.#manager.refreshSessionWithoutRequestResponse(refreshToken, antiCsrfToken);
  }

  /** Revokes one session; true when it existed. */
  async revokeSession(sessionHandle: string): Promise<boolean> {
    const revoked = await this.#revokeByHandle([checkSessionHandle(sessionHandle)], "revoked");
    return revoked.length > 0;
  }

  /** Revokes every session of a user, in one tenant or (tenantId undefined) in all; returns the handles. */
  async revokeAllSessionsForUser(userId: string, tenantId?: string): Promise<string[]> {
    const query = { userId: checkUserId(userId), tenantId: tenantId === undefined ? undefined : checkTenantId(tenantId) };
    const revoked = await this.#manager.store("revoke the user's sessions", () => this.config.store.revokeSessionsForUser(query));
    this.#manager.emitRevoked(revoked, query, "user-revoked");
    return revoked;
  }

  /**
   * "Sign out everywhere else": revokes every session of the user (every tenant) but `keepSessionHandle`,
   * usually the caller's own. Returns the revoked handles.
   */
  async revokeOtherSessionsForUser(userId: string, keepSessionHandle: string): Promise<string[]> {
    const query = { userId: checkUserId(userId), tenantId: undefined };
    const keep = checkSessionHandle(keepSessionHandle);
    const handles = await this.#manager.store("list the user's sessions", () =>
      this.config.store.listSessionHandlesForUser(query, Date.now()),
    );
    const others = handles.filter((handle) => handle !== keep);
    if (others.length === 0) return [];
    const revoked = await this.#manager.store("revoke the sessions", () => this.config.store.revokeSessions(others));
    this.#manager.emitRevoked(revoked, query, "other-sessions-revoked");
    return revoked;
  }

  async revokeMultipleSessions(sessionHandles: readonly string[]): Promise<string[]> {
    if (!Array.isArray(sessionHandles)) throw new InvalidInputError("sessionHandles", "must be an array");
    return this.#revokeByHandle(sessionHandles.map(checkSessionHandle), "revoked");
  }

  /** Revokes by handle; with an `onEvent` handler, reads the sessions first so each event names its user. */
  async #revokeByHandle(handles: string[], reason: RevocationReason): Promise<string[]> {
    const owners = new Map<string, { userId: string; tenantId: string }>();
    if (this.config.onEvent) {
      for (const handle of handles) {
        const record = await this.#manager.store("read the session", () => this.config.store.getSession(handle));
        if (record) owners.set(handle, { userId: record.userId, tenantId: record.tenantId });
      }
    }
    const revoked = await this.#manager.store("revoke the sessions", () => this.config.store.revokeSessions(handles));
    this.#manager.fleet?.add(revoked);
    for (const handle of revoked) {
      const owner = owners.get(handle);
      if (owner) this.#manager.emitRevoked([handle], owner, reason);
      // Counted all the same: telemetry does not get the reads that onEvent gets.
      else if (this.#telemetry) this.#manager.events.count({ type: "sessionRevoked", reason });
    }
    return revoked;
  }

  /** Handles of a user's live sessions, in one tenant or (tenantId undefined) in all. */
  async getAllSessionHandlesForUser(userId: string, tenantId?: string): Promise<string[]> {
    const query = { userId: checkUserId(userId), tenantId: tenantId === undefined ? undefined : checkTenantId(tenantId) };
    return this.#manager.store("list the user's sessions", () => this.config.store.listSessionHandlesForUser(query, Date.now()));
  }

  async getSessionInformation(sessionHandle: string): Promise<SessionInformation | undefined> {
    const record = await this.#manager.getSessionRecord(checkSessionHandle(sessionHandle));
    return record && sessionInformation(record);
  }

  /**
   * A user's live sessions with their device details (for a "your devices" page), oldest first,
   * a page at a time: pass the returned `nextCursor` as `cursor` for the next page.
   */
  async listSessionsForUser(userId: string, options: ListSessionsOptions = {}): Promise<SessionList> {
    const query = { userId: checkUserId(userId), tenantId: options.tenantId === undefined ? undefined : checkTenantId(options.tenantId) };
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InvalidInputError("limit", `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    }
    const after = options.cursor === undefined ? { createdAt: -1, sessionHandle: "" } : parseCursor(options.cursor);
    // One more than asked: whether it comes back says if there is a next page.
    const records = await this.#manager.store("list the user's sessions", () =>
      this.config.store.listSessionsForUser(query, Date.now(), { limit: limit + 1, after }),
    );
    const page = records.slice(0, limit);
    const last = page.at(-1);
    return {
      sessions: page.map(sessionInformation),
      nextCursor: records.length > limit && last ? `${last.createdAt}.${last.sessionHandle}` : undefined,
    };
  }

  /** Replaces a session's data; false when the session does not exist. */
  async updateSessionDataInDatabase(sessionHandle: string, data: JSONObject): Promise<boolean> {
    const handle = checkSessionHandle(sessionHandle);
    if (data === undefined) throw new InvalidInputError("sessionDataInDatabase", "is required");
    const checked = checkSessionData(data, this.config);
    return this.#manager.store("update the session data", () => this.config.store.updateSessionData(handle, checked));
  }

  /**
   * Merges into a session's stored payload (null removes a key). The client sees it from its next
   * refresh; within a request, use `session.mergeIntoAccessTokenPayload` to send it at once.
   */
  async mergeIntoAccessTokenPayload(sessionHandle: string, patch: JSONObject): Promise<boolean> {
    if (patch === undefined) throw new InvalidInputError("accessTokenPayload", "is required");
    const record = await this.#manager.getSessionRecord(checkSessionHandle(sessionHandle));
    if (!record) return false;
    const merged = checkAccessTokenPayload(
      mergePayload(
        record.accessTokenPayload,
        checkAccessTokenPayload(patch, { ...this.config, maxAccessTokenPayloadBytes: Number.MAX_SAFE_INTEGER }),
      ),
      this.config,
    );
    return this.#manager.store("update the access-token payload", () =>
      this.config.store.updateAccessTokenPayload(record.sessionHandle, merged),
    );
  }

  /** The public signing keys, as served at the JWKS endpoint. */
  async getJWKS(): Promise<{ keys: JWK[] }> {
    return { keys: await this.#manager.keys.getPublicJwks() };
  }

  /** Request headers to allow in CORS (add "content-type" for JSON bodies). */
  getAllCORSHeaders(): string[] {
    return [...CORS_ALLOWED_HEADERS];
  }

  /**
   * Serves Latch's own routes (refresh, signout, JWKS). Returns false when the request is not for
   * one of them. Latch errors on these routes are answered here; other errors are thrown.
   */
  async handleRequest(req: BaseRequest, res: BaseResponse): Promise<boolean> {
    const route = this.matchRoute(req);
    if (!route) return false;
    const telemetry = this.#telemetry;
    if (telemetry) {
      const description = { route, method: route === "jwks" ? ("GET" as const) : ("POST" as const), path: this.#routePath(route, req) };
      await telemetry.traceRoute(description, (trace) => this.#serveRoute(route, req, res, trace));
    } else {
      await this.#serveRoute(route, req, res, undefined);
    }
    return true;
  }

  async #serveRoute(route: LatchRoute, req: BaseRequest, res: BaseResponse, trace: RouteTrace | undefined): Promise<void> {
    try {
      if (route === "refresh") {
        const session = await this.#manager.refreshSession(req, res);
        res.sendJson(200, {});
        trace?.setSession({ userId: session.getUserId(), sessionHandle: session.getHandle() });
      } else if (route === "signout") {
        const session = await this.#manager.getSession(req, res, { overrideGlobalClaimValidators: () => [] });
        await session?.revokeSession();
        res.sendJson(200, { status: "OK" });
        if (session) trace?.setSession({ userId: session.getUserId(), sessionHandle: session.getHandle() });
      } else {
        const jwks = await this.getJWKS();
        res.setHeader("cache-control", "max-age=60, must-revalidate");
        res.sendJson(200, jwks);
      }
      trace?.setResponse(200);
    } catch (error) {
      const answered = answerError(error, req, res, this.config, this.#manager.cookies);
      if (!answered) throw error;
      trace?.setResponse(answered.status, answered.code);
    }
  }

  /** The configured path a route request matched (the JWKS has two). */
  #routePath(route: LatchRoute, req: BaseRequest): string {
    if (route === "refresh") return this.config.refreshPath;
    if (route === "signout") return this.config.signOutPath;
    return req.getPath().startsWith(this.config.jwksPath) ? this.config.jwksPath : "/.well-known/jwks.json";
  }

  /**
   * Which of Latch's own routes this request is for, if any. Synchronous and cheap, so adapters
   * can pass every other request straight on.
   */
  matchRoute(req: BaseRequest): "refresh" | "signout" | "jwks" | undefined {
    const method = req.getMethod();
    if (method !== "POST" && method !== "GET") return undefined;
    const config = this.config;
    const raw = req.getPath();
    const path = raw.length > 1 && raw.endsWith("/") ? raw.replace(/\/+$/, "") : raw;
    if (method === "POST") return path === config.refreshPath ? "refresh" : path === config.signOutPath ? "signout" : undefined;
    return path === config.jwksPath || (config.serveWellKnownJwks && path === "/.well-known/jwks.json") ? "jwks" : undefined;
  }

  /**
   * Answers a Latch error with the protocol's status and body (clearing tokens where it says so).
   * Returns false for anything else, which the app's own error handling should take.
   */
  handleError(error: unknown, req: BaseRequest, res: BaseResponse): boolean {
    return answerError(error, req, res, this.config, this.#manager.cookies) !== undefined;
  }

  /** Stops watching the store's revocation feed and telemetry reading this instance, then closes the store. */
  async close(): Promise<void> {
    this.#telemetry?.detach();
    await this.#manager.fleet?.close();
    await this.config.store.close();
  }
}
