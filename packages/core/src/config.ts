import type { ClaimValidator } from "./claims/claim";
import { ConfigError } from "./errors";
import type { LatchEventHandler } from "./events";
import type { BaseRequest } from "./http/base-request";
import { consoleLogger, createLog, type Logger, silentLogger } from "./log";
import type { IpAddressStorage } from "./session/client-ip";
import type { WhileFeedDisconnected } from "./session/fleet-revocations";
import type { SessionStore, SigningAlgorithm } from "./store/session-store";
import type { LatchTelemetry } from "./telemetry";

export type AntiCsrfMode = "NONE" | "VIA_CUSTOM_HEADER" | "VIA_TOKEN";
export type CookieSameSite = "lax" | "strict" | "none";
export type TokenTransferMethod = "cookie" | "header";

/** How fleet revocation behaves (see `LatchConfig.fleetRevocation`). */
export interface FleetRevocationOptions {
  /**
   * While the store's revocation feed is not connected (the store is unreachable, or a server that
   * just started is still catching up): "verify-locally" (default) keeps verifying access tokens
   * without the store, so a session revoked meanwhile on another server is accepted here for at most
   * the outage (never longer than an access-token lifetime) and refused once the feed catches up;
   * "check-store" makes every protected request read the store instead (fail closed: 503 when the
   * store cannot answer either).
   */
  whileDisconnected?: WhileFeedDisconnected;
}

export interface LatchConfig {
  /** Where sessions and signing keys live. Required: `new SqliteStore()`, `new MemoryStore()`, ... */
  store: SessionStore;
  appInfo: {
    /** Origin of the API, e.g. "https://api.example.com". */
    apiDomain: string;
    /** Origin of the website, e.g. "https://example.com". Defaults to apiDomain. */
    websiteDomain?: string;
    /** Where Latch serves its routes. Default "/auth". */
    apiBasePath?: string;
  };
  /** Seconds an access token is valid. Default 3600. */
  accessTokenValidity?: number;
  /** Minutes a refresh token (the session) stays valid without use. Default 144000 (100 days). */
  refreshTokenValidity?: number;
  /** Seconds the previous refresh token stays usable after a rotation (lost responses, parallel tabs). Default 30. */
  refreshTokenGracePeriod?: number;
  /** Default "RS256" (what SuperTokens-compatible verifiers expect). */
  jwtAlgorithm?: SigningAlgorithm;
  /** Hours a signing key signs before a new one takes over. Default 168 (7 days). */
  signingKeyRotationInterval?: number;
  /**
   * Default true: signing keys rotate (`kid` `d-…`). False: one static key per algorithm (`kid`
   * `s-<alg>`) that never rotates, for verifiers that cannot refetch a JWKS; SuperTokens backends
   * must then set the same value (their option has this name).
   */
  useDynamicAccessTokenSigningKey?: boolean;
  cookieSecure?: boolean;
  cookieSameSite?: CookieSameSite;
  cookieDomain?: string;
  /** A cookieDomain used before: refresh clears cookies left on it. */
  olderCookieDomain?: string;
  accessTokenPath?: string;
  antiCsrf?: AntiCsrfMode;
  /**
   * How tokens are sent when a session is created. Default: what the client asks for with
   * `st-auth-mode`, and cookies when it does not say.
   */
  getTokenTransferMethod?: (req: BaseRequest) => TokenTransferMethod;
  sessionExpiredStatusCode?: number;
  invalidClaimStatusCode?: number;
  /**
   * Also serve the JWKS at the site root, `/.well-known/jwks.json`, where SuperTokens backend SDKs
   * (given the app's origin as `connectionURI`) and most JOSE tooling look. Default true.
   */
  serveWellKnownJwks?: boolean;
  /** Validators every getSession runs unless a call overrides them. */
  globalClaimValidators?: ClaimValidator[];
  /** Largest access-token payload, as JSON bytes. Default 2048, so the token fits a 4 KB cookie. */
  maxAccessTokenPayloadBytes?: number;
  /** Largest session data, as JSON bytes. Default 65536. */
  maxSessionDataBytes?: number;
  /** Log lifecycle events at debug level (never tokens or keys). Default: on when DEBUG contains "latch". */
  debug?: boolean;
  /**
   * A server-side secret (at least 32 characters) mixed into every new session's refresh-token
   * key, so that reading the session table is not enough to mint refresh tokens that pass the
   * authenticity check (SECURITY.md). Give several to rotate it: the first is used for new
   * sessions, every one still verifies the sessions made under it. Sessions made before any secret
   * keep working. Default: none.
   */
  refreshTokenSecret?: string | readonly string[];
  /**
   * Most live sessions one user may have (across tenants). A login past it revokes the user's oldest
   * sessions, atomically in the store. Default: no cap.
   */
  maxSessionsPerUser?: number;
  /**
   * How much of the client's IP address a session keeps for its device list: "full", "truncated"
   * (IPv4 /24, IPv6 /48) or "none". Default "full".
   */
  ipAddress?: IpAddressStorage;
  /**
   * The client's IP address. Default: the connection's peer (`req.getClientIp()`). Behind a proxy,
   * read the header your proxy sets; never trust X-Forwarded-For from the open internet.
   */
  getClientIp?: (req: BaseRequest) => string | undefined;
  /**
   * Called for session created, refreshed, revoked, token theft and store errors (audit logs,
   * alerts). It runs after the call that caused it has moved on and never delays or fails a
   * request: what it throws or rejects with is caught and logged with the debug log.
   */
  onEvent?: LatchEventHandler;
  /**
   * Where Latch reports store outages and recoveries, detected token theft, key rotation and (with
   * `debug`) lifecycle events. Default: `console`; `false` silences Latch.
   */
  logger?: Logger | false;
  /**
   * Spans and counters for store calls, Latch's routes and the session lifecycle:
   * `openTelemetry()` from `@latch/core/opentelemetry`. Default: none (nothing recorded, no cost).
   */
  telemetry?: LatchTelemetry;
  /**
   * Revocation across a fleet: sign-out, revoke, revoke-all, the session cap and theft detection
   * are refused by every server sharing the store within about a second, while a protected GET
   * still reads nothing from the store. Default: on when the store has a revocation feed
   * (`watchRevocations`: memory, SQLite, MySQL, PostgreSQL, Redis); `false` turns it off (a revoked
   * session's access token then works on other servers until it expires); an object tunes it.
   */
  fleetRevocation?: boolean | FleetRevocationOptions;
}

export interface NormalisedConfig {
  store: SessionStore;
  apiDomain: string;
  websiteDomain: string;
  apiBasePath: string;
  issuer: string;
  refreshPath: string;
  signOutPath: string;
  jwksPath: string;
  accessTokenValiditySeconds: number;
  refreshTokenValidityMs: number;
  refreshTokenGracePeriodMs: number;
  jwtAlgorithm: SigningAlgorithm;
  signingKeyRotationIntervalMs: number;
  useDynamicAccessTokenSigningKey: boolean;
  cookieSecure: boolean;
  cookieSameSite: CookieSameSite;
  cookieDomain: string | undefined;
  olderCookieDomain: string | undefined;
  accessTokenPath: string;
  antiCsrf: AntiCsrfMode;
  getTokenTransferMethod: (req: BaseRequest) => TokenTransferMethod;
  sessionExpiredStatusCode: number;
  invalidClaimStatusCode: number;
  serveWellKnownJwks: boolean;
  globalClaimValidators: ClaimValidator[];
  maxAccessTokenPayloadBytes: number;
  maxSessionDataBytes: number;
  debug: boolean;
  refreshTokenSecrets: readonly string[];
  maxSessionsPerUser: number | undefined;
  ipAddress: IpAddressStorage;
  getClientIp: (req: BaseRequest) => string | undefined;
  onEvent: LatchEventHandler | undefined;
  telemetry: LatchTelemetry | undefined;
  /** The configured logger, with debug messages dropped unless `debug` is on. */
  logger: Logger;
  /** Undefined when off (asked, or the store has no revocation feed). */
  fleetRevocation: { whileDisconnected: WhileFeedDisconnected } | undefined;
}

const ALGORITHMS: readonly SigningAlgorithm[] = ["RS256", "ES256", "EdDSA"];

export function normaliseConfig(input: LatchConfig): NormalisedConfig {
  if (!input || typeof input !== "object") throw new ConfigError("config must be an object");
  if (!input.store) throw new ConfigError("config.store is required (e.g. new MemoryStore() or new SqliteStore())");
  if (!input.appInfo?.apiDomain) throw new ConfigError("config.appInfo.apiDomain is required");

  const apiUrl = parseOrigin(input.appInfo.apiDomain, "appInfo.apiDomain");
  const websiteUrl = parseOrigin(input.appInfo.websiteDomain ?? input.appInfo.apiDomain, "appInfo.websiteDomain");
  const apiBasePath = normalisePath(input.appInfo.apiBasePath ?? "/auth", "appInfo.apiBasePath");

  const sameSite = input.cookieSameSite ?? (isSameSite(apiUrl, websiteUrl) ? "lax" : "none");
  if (!["lax", "strict", "none"].includes(sameSite)) {
    throw new ConfigError(`cookieSameSite must be "lax", "strict" or "none", not ${JSON.stringify(sameSite)}`);
  }
  const antiCsrf = input.antiCsrf ?? (sameSite === "none" ? "VIA_CUSTOM_HEADER" : "NONE");
  if (!["NONE", "VIA_CUSTOM_HEADER", "VIA_TOKEN"].includes(antiCsrf)) {
    throw new ConfigError(`antiCsrf must be NONE, VIA_CUSTOM_HEADER or VIA_TOKEN, not ${JSON.stringify(antiCsrf)}`);
  }
  const jwtAlgorithm = input.jwtAlgorithm ?? "RS256";
  if (!ALGORITHMS.includes(jwtAlgorithm)) {
    throw new ConfigError(`jwtAlgorithm must be one of ${ALGORITHMS.join(", ")}, not ${JSON.stringify(jwtAlgorithm)}`);
  }

  const sessionExpiredStatusCode = statusCode(input.sessionExpiredStatusCode ?? 401, "sessionExpiredStatusCode");
  const invalidClaimStatusCode = statusCode(input.invalidClaimStatusCode ?? 403, "invalidClaimStatusCode");
  if (sessionExpiredStatusCode === invalidClaimStatusCode) {
    throw new ConfigError("sessionExpiredStatusCode and invalidClaimStatusCode must differ");
  }

  const accessTokenValiditySeconds = positive(input.accessTokenValidity ?? 3600, "accessTokenValidity");
  // Whole milliseconds: stores keep timestamps as integers (SQLite STRICT, PostgreSQL bigint).
  const refreshTokenValidityMs = Math.round(positive(input.refreshTokenValidity ?? 144000, "refreshTokenValidity") * 60_000);
  if (refreshTokenValidityMs <= accessTokenValiditySeconds * 1000) {
    throw new ConfigError("refreshTokenValidity (minutes) must be longer than accessTokenValidity (seconds)");
  }

  const debug = input.debug ?? debugFromEnvironment();
  if (input.logger !== undefined && input.logger !== false && !isLogger(input.logger)) {
    throw new ConfigError("logger must have debug, info, warn and error methods (or be false to silence Latch)");
  }
  if (input.telemetry !== undefined && typeof (input.telemetry as Partial<LatchTelemetry> | null)?.attach !== "function") {
    throw new ConfigError("telemetry must be a LatchTelemetry, e.g. openTelemetry() from @latch/core/opentelemetry");
  }

  return {
    store: input.store,
    apiDomain: apiUrl.origin,
    websiteDomain: websiteUrl.origin,
    apiBasePath,
    issuer: apiUrl.origin + apiBasePath,
    refreshPath: `${apiBasePath}/session/refresh`,
    signOutPath: `${apiBasePath}/signout`,
    jwksPath: `${apiBasePath}/jwt/jwks.json`,
    accessTokenValiditySeconds,
    refreshTokenValidityMs,
    refreshTokenGracePeriodMs: Math.round(nonNegative(input.refreshTokenGracePeriod ?? 30, "refreshTokenGracePeriod") * 1000),
    jwtAlgorithm,
    signingKeyRotationIntervalMs: Math.round(positive(input.signingKeyRotationInterval ?? 168, "signingKeyRotationInterval") * 3_600_000),
    useDynamicAccessTokenSigningKey: input.useDynamicAccessTokenSigningKey ?? true,
    cookieSecure: input.cookieSecure ?? apiUrl.protocol === "https:",
    cookieSameSite: sameSite,
    cookieDomain: input.cookieDomain,
    olderCookieDomain: input.olderCookieDomain,
    accessTokenPath: normalisePath(input.accessTokenPath ?? "/", "accessTokenPath") || "/",
    antiCsrf,
    getTokenTransferMethod: input.getTokenTransferMethod ?? transferMethodFromAuthModeHeader,
    sessionExpiredStatusCode,
    invalidClaimStatusCode,
    serveWellKnownJwks: input.serveWellKnownJwks ?? true,
    globalClaimValidators: input.globalClaimValidators ?? [],
    maxAccessTokenPayloadBytes: positive(input.maxAccessTokenPayloadBytes ?? 2048, "maxAccessTokenPayloadBytes"),
    maxSessionDataBytes: positive(input.maxSessionDataBytes ?? 65536, "maxSessionDataBytes"),
    debug,
    logger: createLog(input.logger === false ? silentLogger : (input.logger ?? consoleLogger), debug),
    refreshTokenSecrets: refreshTokenSecrets(input.refreshTokenSecret),
    maxSessionsPerUser:
      input.maxSessionsPerUser === undefined ? undefined : positiveInteger(input.maxSessionsPerUser, "maxSessionsPerUser"),
    ipAddress: ipAddressStorage(input.ipAddress ?? "full"),
    getClientIp: input.getClientIp ?? ((req) => req.getClientIp()),
    onEvent: input.onEvent,
    telemetry: input.telemetry,
    fleetRevocation: fleetRevocation(input.fleetRevocation, input.store),
  };
}

function fleetRevocation(value: boolean | FleetRevocationOptions | undefined, store: SessionStore): NormalisedConfig["fleetRevocation"] {
  if (value === false) return undefined;
  if (value !== undefined && value !== true && (typeof value !== "object" || value === null)) {
    throw new ConfigError("fleetRevocation must be true, false or an object");
  }
  const whileDisconnected = (typeof value === "object" ? value.whileDisconnected : undefined) ?? "verify-locally";
  if (whileDisconnected !== "verify-locally" && whileDisconnected !== "check-store") {
    throw new ConfigError(
      `fleetRevocation.whileDisconnected must be "verify-locally" or "check-store", not ${JSON.stringify(whileDisconnected)}`,
    );
  }
  if (typeof store.watchRevocations !== "function") {
    // Asked for explicitly but impossible: saying so beats silently running without it.
    if (value !== undefined) {
      throw new ConfigError(`fleetRevocation: session store "${store.name}" has no revocation feed (watchRevocations)`);
    }
    return undefined;
  }
  return { whileDisconnected };
}

/** The protocol's default: the client's `st-auth-mode`, else cookies. */
export function transferMethodFromAuthModeHeader(req: BaseRequest): TokenTransferMethod {
  return req.getHeader("st-auth-mode")?.trim().toLowerCase() === "header" ? "header" : "cookie";
}

function parseOrigin(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `https://${value}`);
  } catch {
    throw new ConfigError(`${field} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${field} must be http or https: ${JSON.stringify(value)}`);
  }
  return url;
}

/** "/auth/" and "auth" become "/auth"; "/" becomes "". */
function normalisePath(value: string, field: string): string {
  if (typeof value !== "string" || /[?#\s]/.test(value)) throw new ConfigError(`${field} is not a path: ${JSON.stringify(value)}`);
  const trimmed = value.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `/${trimmed}`;
}

function statusCode(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 400 || value > 499) throw new ConfigError(`${field} must be a 4xx status code`);
  return value;
}

const MIN_SECRET_LENGTH = 32;

function refreshTokenSecrets(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  const secrets = typeof value === "string" ? [value] : value;
  if (!Array.isArray(secrets) || secrets.length === 0)
    throw new ConfigError("refreshTokenSecret must be a string or a non-empty array of strings");
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `refreshTokenSecret: each secret must be a string of at least ${MIN_SECRET_LENGTH} characters (e.g. from \`openssl rand -base64 32\`)`,
      );
    }
  }
  return Object.freeze([...secrets]);
}

function positive(value: number, field: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) throw new ConfigError(`${field} must be a positive number`);
  return value;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${field} must be a whole number of 1 or more`);
  return value;
}

function ipAddressStorage(value: IpAddressStorage): IpAddressStorage {
  if (!["full", "truncated", "none"].includes(value)) {
    throw new ConfigError(`ipAddress must be "full", "truncated" or "none", not ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegative(value: number, field: string): number {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) throw new ConfigError(`${field} must be zero or more`);
  return value;
}

// Second-level labels under which every name is registered separately (co.uk, com.au, ...).
// Deliberately short: a miss only makes Latch choose SameSite=None plus CSRF protection, which
// still works; apps on unusual domains set cookieSameSite themselves.
const SHARED_SECOND_LEVEL = new Set(["co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "nic"]);

/** Whether two origins are the same site for cookies: same scheme and same registrable domain. */
export function isSameSite(a: URL, b: URL): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.hostname === b.hostname) return true;
  if (isIpOrLocal(a.hostname) || isIpOrLocal(b.hostname)) return false;
  return registrableDomain(a.hostname) === registrableDomain(b.hostname);
}

function isIpOrLocal(host: string): boolean {
  return host === "localhost" || /^[\d.]+$/.test(host) || host.includes(":") || host.startsWith("[");
}

function registrableDomain(host: string): string {
  const labels = host.split(".");
  const tld = labels.at(-1) ?? "";
  const second = labels.at(-2) ?? "";
  const keep = tld.length === 2 && SHARED_SECOND_LEVEL.has(second) ? 3 : 2;
  return labels.slice(-keep).join(".");
}

function isLogger(value: unknown): value is Logger {
  const candidate = value as Partial<Record<keyof Logger, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    (["debug", "info", "warn", "error"] as const).every((level) => typeof candidate[level] === "function")
  );
}

function debugFromEnvironment(): boolean {
  return /(^|,)\s*latch(\*|:\*)?\s*(,|$)/.test(environmentVariable("DEBUG") ?? "");
}

/**
 * A variable of `process.env` where there is one. Reading it can throw: Deno without `--allow-env`
 * answers `NotCapable`, and a sandbox may guard it with a throwing proxy; Latch then runs without it.
 */
function environmentVariable(name: string): string | undefined {
  try {
    const value = (globalThis as { process?: { env?: Record<string, unknown> } }).process?.env?.[name];
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
