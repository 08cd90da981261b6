import type { StoreError, StoreUnavailableError } from "./errors";
import type { Logger } from "./log";
import type { TelemetryEvent, TelemetryRecorder } from "./telemetry";

/** Why a session ended. */
export type RevocationReason =
  /** The user signed out (the signout route or `session.revokeSession()`). */
  | "signout"
  /** The app revoked it by handle (`revokeSession`, `revokeMultipleSessions`). */
  | "revoked"
  /** The app revoked every session of the user (`revokeAllSessionsForUser`). */
  | "user-revoked"
  /** The user ended their other sessions (`revokeOtherSessionsForUser`). */
  | "other-sessions-revoked"
  /** A login past `maxSessionsPerUser` pushed it out (it was among the oldest). */
  | "session-cap"
  /** Its refresh token was used twice: two parties hold the session. */
  | "token-theft";

interface SessionEventBase {
  sessionHandle: string;
  userId: string;
  /** Undefined only where Latch does not know it without a store read (revocations by user across tenants). */
  tenantId: string | undefined;
}

/** What `onEvent` receives: one object per lifecycle event, for audit logs and alerts. */
export type LatchEvent =
  | (SessionEventBase & { type: "sessionCreated"; tenantId: string })
  | (SessionEventBase & { type: "sessionRefreshed"; tenantId: string })
  | (SessionEventBase & { type: "sessionRevoked"; reason: RevocationReason })
  | (SessionEventBase & { type: "tokenTheftDetected"; tenantId: string })
  | { type: "storeError"; store: string; operation: string; error: StoreError | StoreUnavailableError };

export type LatchEventHandler = (event: LatchEvent) => void | Promise<void>;

/** Events waiting for, or inside, the handler; past this, new events are dropped (and logged). */
export const MAX_PENDING_EVENTS = 1000;

/**
 * Delivers events to the app's handler without ever touching the request: each call runs from a
 * timer (after the code that emitted it has carried on, so the response is not held back), its
 * throw or rejection is caught and logged, and a handler that never settles only holds one of
 * `MAX_PENDING_EVENTS` places. What it cannot stop is a handler that blocks the thread (a busy loop).
 * Telemetry counts each event at once instead: a counter's increment is cheaper than the timer.
 */
export class EventDispatcher {
  #pending = 0;

  constructor(
    readonly handler: LatchEventHandler | undefined,
    readonly log: Logger,
    readonly telemetry: TelemetryRecorder | undefined = undefined,
  ) {}

  emit(event: LatchEvent): void {
    // Store failures are counted where telemetry sees them, around the store call itself.
    if (this.telemetry && event.type !== "storeError") this.count(event);
    const handler = this.handler;
    if (!handler) return;
    if (this.#pending >= MAX_PENDING_EVENTS) {
      this.log.warn(`event ${event.type} dropped: ${MAX_PENDING_EVENTS} events still pending in onEvent`);
      return;
    }
    this.#pending++;
    setTimeout(() => {
      let result: unknown;
      try {
        result = handler(event);
      } catch (error) {
        this.#settled(event, error);
        return;
      }
      Promise.resolve(result).then(
        () => this.#settled(event, undefined),
        (error: unknown) => this.#settled(event, error),
      );
    }, 0);
  }

  /**
   * Counts an event for telemetry only: for revocations whose owner Latch did not read (it reads
   * owners only for an `onEvent` handler, and telemetry must not add store reads).
   */
  count(event: TelemetryEvent): void {
    try {
      this.telemetry?.recordEvent(event);
    } catch (error) {
      this.log.warn(`telemetry failed to record ${event.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #settled(event: LatchEvent, error: unknown): void {
    this.#pending--;
    if (error !== undefined) {
      this.log.warn(`onEvent failed for ${event.type}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
