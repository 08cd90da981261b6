import { type Attributes, type Counter, type Meter, type Span, SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { LatchErrorCode } from "../errors";
import type { RouteDescription, RouteTrace, TelemetryEvent, TelemetryInstance, TelemetryRecorder } from "../telemetry";
import { recordFailure } from "./failure";
import { ATTRIBUTE, dbSystemOf, METRIC, SPAN_PREFIX } from "./names";

export interface RecorderOptions {
  recordUserId: boolean;
  recordSessionHandle: boolean;
}

/** The instruments one `openTelemetry()` creates, shared by every Latch instance attached to it. */
export class Instruments {
  readonly sessionsCreated: Counter;
  readonly sessionsRefreshed: Counter;
  readonly sessionsRevoked: Counter;
  readonly tokenTheftsDetected: Counter;
  readonly storeErrors: Counter;

  constructor(
    readonly tracer: Tracer,
    meter: Meter,
  ) {
    this.sessionsCreated = meter.createCounter(METRIC.sessionsCreated, { description: "Sessions created (logins)", unit: "{session}" });
    this.sessionsRefreshed = meter.createCounter(METRIC.sessionsRefreshed, {
      description: "Sessions refreshed (refresh-token rotations)",
      unit: "{session}",
    });
    this.sessionsRevoked = meter.createCounter(METRIC.sessionsRevoked, {
      description: `Sessions revoked, by ${ATTRIBUTE.revocationReason}`,
      unit: "{session}",
    });
    this.tokenTheftsDetected = meter.createCounter(METRIC.tokenTheftsDetected, {
      description: "Refresh tokens used twice (the session was revoked)",
      unit: "{theft}",
    });
    this.storeErrors = meter.createCounter(METRIC.storeErrors, {
      description: "Failed session-store calls, by store and operation",
      unit: "{error}",
    });
  }
}

/** What one Latch instance reports through OpenTelemetry. */
export class OpenTelemetryRecorder implements TelemetryRecorder {
  readonly #instruments: Instruments;
  readonly #storeName: string;
  readonly #dbSystem: string | undefined;
  readonly #options: RecorderOptions;
  readonly #onDetach: () => void;

  constructor(instruments: Instruments, instance: TelemetryInstance, options: RecorderOptions, onDetach: () => void) {
    this.#instruments = instruments;
    this.#storeName = instance.storeName;
    this.#dbSystem = dbSystemOf(instance.storeName);
    this.#options = options;
    this.#onDetach = onDetach;
  }

  traceStoreCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const attributes: Attributes = { [ATTRIBUTE.storeName]: this.#storeName, [ATTRIBUTE.storeOperation]: operation };
    if (this.#dbSystem) {
      attributes[ATTRIBUTE.dbSystemName] = this.#dbSystem;
      attributes[ATTRIBUTE.dbSystem] = this.#dbSystem;
    }
    // Active, so a database driver's own spans (pg, ioredis instrumentations) become its children.
    return this.#instruments.tracer.startActiveSpan(`${SPAN_PREFIX.store}${operation}`, { kind: SpanKind.CLIENT, attributes }, (span) =>
      settle(call).then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          const errorType = recordFailure(span, error);
          this.#instruments.storeErrors.add(1, {
            [ATTRIBUTE.storeName]: this.#storeName,
            [ATTRIBUTE.storeOperation]: operation,
            [ATTRIBUTE.errorType]: errorType,
          });
          span.end();
          throw error;
        },
      ),
    );
  }

  traceRoute(route: RouteDescription, serve: (trace: RouteTrace) => Promise<void>): Promise<void> {
    const attributes: Attributes = {
      [ATTRIBUTE.route]: route.route,
      [ATTRIBUTE.httpRoute]: route.path,
      [ATTRIBUTE.httpRequestMethod]: route.method,
    };
    // Internal: the HTTP server span, where there is one, is the framework instrumentation's.
    return this.#instruments.tracer.startActiveSpan(`${SPAN_PREFIX.route}${route.route}`, { kind: SpanKind.INTERNAL, attributes }, (span) =>
      settle(() => serve(this.#routeTrace(span))).then(
        () => span.end(),
        (error: unknown) => {
          // Not answered by Latch: the app's error handler gets it (a 500, usually).
          recordFailure(span, error);
          span.end();
          throw error;
        },
      ),
    );
  }

  #routeTrace(span: Span): RouteTrace {
    const options = this.#options;
    return {
      setSession({ userId, sessionHandle }) {
        if (options.recordUserId) span.setAttribute(ATTRIBUTE.userId, userId);
        if (options.recordSessionHandle) span.setAttribute(ATTRIBUTE.sessionHandle, sessionHandle);
      },
      setResponse(status: number, errorCode?: LatchErrorCode) {
        span.setAttribute(ATTRIBUTE.httpResponseStatusCode, status);
        if (errorCode) span.setAttribute(ATTRIBUTE.errorCode, errorCode);
        // As for HTTP server spans: a 4xx is the client's doing, a 5xx the server's failure.
        if (status >= 500) {
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.setAttribute(ATTRIBUTE.errorType, errorCode ?? String(status));
        }
      },
    };
  }

  recordEvent(event: TelemetryEvent): void {
    const instruments = this.#instruments;
    switch (event.type) {
      case "sessionCreated":
        instruments.sessionsCreated.add(1);
        break;
      case "sessionRefreshed":
        instruments.sessionsRefreshed.add(1);
        break;
      case "sessionRevoked":
        instruments.sessionsRevoked.add(1, { [ATTRIBUTE.revocationReason]: event.reason });
        break;
      case "tokenTheftDetected":
        instruments.tokenTheftsDetected.add(1);
        break;
    }
  }

  detach(): void {
    this.#onDetach();
  }
}

/** The call's promise, with a synchronous throw turned into a rejection (the span must still end). */
function settle<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
