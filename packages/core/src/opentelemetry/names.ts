/**
 * Every span, metric and attribute name Latch records. Standard names (`db.*`, `http.*`,
 * `error.type`, `user.id`) follow the OpenTelemetry semantic conventions; Latch's own are under
 * `latch.`. No attribute ever holds a token, a hash, a key or session data; the user id and the
 * session handle only when the app opts in (`recordUserId`, `recordSessionHandle`).
 */
export const SPAN_PREFIX = { store: "latch.store.", route: "latch.route." } as const;

export const METRIC = {
  sessionsCreated: "latch.sessions.created",
  sessionsRefreshed: "latch.sessions.refreshed",
  sessionsRevoked: "latch.sessions.revoked",
  tokenTheftsDetected: "latch.token_thefts.detected",
  storeErrors: "latch.store.errors",
  verifiedTokenCacheHits: "latch.verified_token_cache.hits",
  verifiedTokenCacheMisses: "latch.verified_token_cache.misses",
  verifiedTokenCacheHitRatio: "latch.verified_token_cache.hit_ratio",
} as const;

export const ATTRIBUTE = {
  /** The store's `name`. Not `latch.store`: an attribute's name must not also be a namespace (`latch.store.operation`). */
  storeName: "latch.store.name",
  /** The `SessionStore` method called, e.g. "rotateRefreshToken". */
  storeOperation: "latch.store.operation",
  dbSystemName: "db.system.name",
  /** The name before `db.system.name` (semantic conventions up to 1.32), still what many backends read. */
  dbSystem: "db.system",
  errorType: "error.type",
  revocationReason: "latch.revocation.reason",
  route: "latch.route",
  httpRoute: "http.route",
  httpRequestMethod: "http.request.method",
  httpResponseStatusCode: "http.response.status_code",
  /** The code of the Latch error a route answered (e.g. "TOKEN_THEFT_DETECTED"). */
  errorCode: "latch.error.code",
  /** Opt-in (`recordUserId`): personal data in most apps. */
  userId: "user.id",
  /** Opt-in (`recordSessionHandle`): not a credential, but it links every refresh of one login. */
  sessionHandle: "latch.session.handle",
} as const;

/** `db.system.name` of the stores Latch ships, by store name; a store not listed gets none. */
const DB_SYSTEMS: Readonly<Record<string, string>> = {
  sqlite: "sqlite",
  postgres: "postgresql",
  // MariaDB speaks the same protocol; the store cannot tell which it talks to.
  mysql: "mysql",
  redis: "redis",
  // Cloudflare D1 is SQLite.
  d1: "sqlite",
};

export function dbSystemOf(storeName: string): string | undefined {
  return Object.hasOwn(DB_SYSTEMS, storeName) ? DB_SYSTEMS[storeName] : undefined;
}
