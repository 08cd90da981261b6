import { describeError, type Logger } from "../log";
import type { TelemetryRecorder } from "../telemetry";
import type { RevocationSubscription, RevocationWatcher, WatchRevocationsOptions } from "./revocation-feed";
import type { SessionStore } from "./session-store";

/**
 * The app's store with its health reported: the first failed call of an outage is logged as an
 * error with the store's name and the whole cause chain, later failures of the same outage are
 * only counted, and the first call that succeeds again logs the recovery. Without this, a store
 * failure is a bare 503 to the client and nothing at all to the operator. With telemetry, each
 * call is also traced (a span per call, failures counted).
 */
export class WatchedStore implements SessionStore {
  readonly #store: SessionStore;
  readonly #log: Logger;
  /** Failed calls since the last success; 0 while the store works. */
  #failures = 0;
  #downSince = 0;
  readonly #telemetry: TelemetryRecorder | undefined;

  /**
   * The store's revocation feed, present exactly when the store has one (core checks for it to
   * decide whether fleet revocation is on). The feed reports its own outages to its watcher.
   */
  readonly watchRevocations?: (watcher: RevocationWatcher, options: WatchRevocationsOptions) => Promise<RevocationSubscription>;

  constructor(store: SessionStore, log: Logger, telemetry?: TelemetryRecorder) {
    this.#store = store;
    this.#log = log;
    this.#telemetry = telemetry;
    if (store.watchRevocations) {
      this.watchRevocations = (watcher, options) =>
        this.#watch("watchRevocations", () =>
          (store.watchRevocations as NonNullable<SessionStore["watchRevocations"]>).call(store, watcher, options),
        );
    }
  }

  get name(): string {
    return this.#store.name;
  }

  #watch<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const telemetry = this.#telemetry;
    return telemetry ? telemetry.traceStoreCall(operation, () => this.#watched(operation, call)) : this.#watched(operation, call);
  }

  #watched<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = call();
    } catch (error) {
      // A store method that throws instead of rejecting is still a failed call.
      result = Promise.reject(error);
    }
    return result.then(
      (value) => {
        if (this.#failures > 0) this.#recovered();
        return value;
      },
      (error: unknown) => {
        this.#failed(operation, error);
        throw error;
      },
    );
  }

  #failed(operation: string, error: unknown): void {
    this.#failures++;
    if (this.#failures > 1) return;
    this.#downSince = Date.now();
    this.#log.error(
      `session store "${this.name}" failed (${operation}): ${describeError(error)}. ` +
        "Requests that need the store get an error until it works again; its recovery will be logged.",
    );
  }

  #recovered(): void {
    const seconds = Math.round((Date.now() - this.#downSince) / 1000);
    this.#log.info(`session store "${this.name}" works again after ${this.#failures} failed call(s) over ${seconds} s`);
    this.#failures = 0;
  }

  createSession(...args: Parameters<SessionStore["createSession"]>) {
    return this.#watch("createSession", () => this.#store.createSession(...args));
  }
  createSessionWithinCap(...args: Parameters<SessionStore["createSessionWithinCap"]>) {
    return this.#watch("createSessionWithinCap", () => this.#store.createSessionWithinCap(...args));
  }
  getSession(...args: Parameters<SessionStore["getSession"]>) {
    return this.#watch("getSession", () => this.#store.getSession(...args));
  }
  rotateRefreshToken(...args: Parameters<SessionStore["rotateRefreshToken"]>) {
    return this.#watch("rotateRefreshToken", () => this.#store.rotateRefreshToken(...args));
  }
  updateSessionData(...args: Parameters<SessionStore["updateSessionData"]>) {
    return this.#watch("updateSessionData", () => this.#store.updateSessionData(...args));
  }
  updateAccessTokenPayload(...args: Parameters<SessionStore["updateAccessTokenPayload"]>) {
    return this.#watch("updateAccessTokenPayload", () => this.#store.updateAccessTokenPayload(...args));
  }
  revokeSessions(...args: Parameters<SessionStore["revokeSessions"]>) {
    return this.#watch("revokeSessions", () => this.#store.revokeSessions(...args));
  }
  listSessionsForUser(...args: Parameters<SessionStore["listSessionsForUser"]>) {
    return this.#watch("listSessionsForUser", () => this.#store.listSessionsForUser(...args));
  }
  revokeSessionsForUser(...args: Parameters<SessionStore["revokeSessionsForUser"]>) {
    return this.#watch("revokeSessionsForUser", () => this.#store.revokeSessionsForUser(...args));
  }
  listSessionHandlesForUser(...args: Parameters<SessionStore["listSessionHandlesForUser"]>) {
    return this.#watch("listSessionHandlesForUser", () => this.#store.listSessionHandlesForUser(...args));
  }
  deleteExpiredSessions(...args: Parameters<SessionStore["deleteExpiredSessions"]>) {
    return this.#watch("deleteExpiredSessions", () => this.#store.deleteExpiredSessions(...args));
  }
  getSigningKeys() {
    return this.#watch("getSigningKeys", () => this.#store.getSigningKeys());
  }
  addSigningKey(...args: Parameters<SessionStore["addSigningKey"]>) {
    return this.#watch("addSigningKey", () => this.#store.addSigningKey(...args));
  }
  removeSigningKeys(...args: Parameters<SessionStore["removeSigningKeys"]>) {
    return this.#watch("removeSigningKeys", () => this.#store.removeSigningKeys(...args));
  }
  close() {
    return this.#store.close();
  }
}
