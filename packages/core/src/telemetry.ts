import type { LatchErrorCode } from "./errors";
import type { RevocationReason } from "./events";

/**
 * The seam between Latch and a telemetry system: what `config.telemetry` takes.
 * `openTelemetry()` from `@latch/core/opentelemetry` implements it; core itself imports no
 * telemetry library, so without `telemetry` none is loaded and nothing is recorded.
 */
export interface LatchTelemetry {
  /** Called once by each `new Latch(config)`; what it returns records that instance's store calls, routes and events. */
  attach(instance: TelemetryInstance): TelemetryRecorder;
}

/** What telemetry may read of the Latch instance it is attached to. */
export interface TelemetryInstance {
  /** The store's `name` ("memory", "sqlite", "postgres", ...). */
  readonly storeName: string;
  /**
   * Lookups in the verified access-token cache so far: a hit skips parsing and the signature
   * check, a miss verifies. Counted as plain integers, so reading them is the only cost.
   */
  verifiedTokenCacheLookups(): { hits: number; misses: number };
}

/** Latch's own routes (`handleRequest`). */
export type LatchRoute = "refresh" | "signout" | "jwks";

export interface RouteDescription {
  route: LatchRoute;
  method: "GET" | "POST";
  /** The configured path the request matched, e.g. "/auth/session/refresh" (a template: never a query or an id). */
  path: string;
}

/** What a route learns while it runs, for its span. */
export interface RouteTrace {
  /** The session the route refreshed or signed out. */
  setSession(session: { userId: string; sessionHandle: string }): void;
  /** The status Latch answered with, and the Latch error's code when it answered one. */
  setResponse(status: number, errorCode?: LatchErrorCode): void;
}

/** A lifecycle event as counters see it (every `LatchEvent` but `storeError` fits; store failures reach `traceStoreCall`). */
export type TelemetryEvent =
  | { type: "sessionCreated" | "sessionRefreshed" | "tokenTheftDetected" }
  | { type: "sessionRevoked"; reason: RevocationReason };

/**
 * Records one Latch instance. Each method must do what it wraps exactly once and hand back its
 * result or its error unchanged; none may throw of its own.
 */
export interface TelemetryRecorder {
  /** One store call, by the `SessionStore` method's name ("getSession", "rotateRefreshToken", ...). */
  traceStoreCall<T>(operation: string, call: () => Promise<T>): Promise<T>;
  /** One request to a Latch route; `serve` answers it. */
  traceRoute(route: RouteDescription, serve: (trace: RouteTrace) => Promise<void>): Promise<void>;
  /** A session was created, refreshed or revoked, or a token theft detected. */
  recordEvent(event: TelemetryEvent): void;
  /** The instance closed (`latch.close()`): stop reading it. */
  detach(): void;
}
