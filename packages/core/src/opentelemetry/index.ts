// @latch/core/opentelemetry: Latch's spans and metrics through @opentelemetry/api (an optional
// peer dependency). Only this entry imports it; @latch/core itself loads without it.
import { type MeterProvider, metrics, type TracerProvider, trace } from "@opentelemetry/api";
import { version } from "../../package.json";
import type { LatchTelemetry } from "../telemetry";
import { Instruments, OpenTelemetryRecorder } from "./recorder";
import { VerifiedTokenCacheMetrics } from "./verified-token-cache-metrics";

export { ATTRIBUTE, METRIC, SPAN_PREFIX } from "./names";

export interface OpenTelemetryOptions {
  /** Where spans go. Default: the global one (`trace.getTracerProvider()`), as the OpenTelemetry SDK registers it. */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Put the user id on the refresh and signout spans as `user.id`. Default false: it is personal data in most apps. */
  recordUserId?: boolean;
  /**
   * Put the session handle on the refresh and signout spans as `latch.session.handle`. Default
   * false: it is no credential, but it ties every request of one login together.
   */
  recordSessionHandle?: boolean;
}

/** The instrumentation scope's name: the tracer's and the meter's. */
export const INSTRUMENTATION_SCOPE = "@latch/core";

/**
 * Telemetry for `new Latch({ ..., telemetry: openTelemetry() })`: a span per store call and per
 * Latch route served, counters for the session lifecycle, store errors and the verified-token
 * cache. The tracer and meter are taken when the first Latch instance is created, so register
 * the SDK (a global MeterProvider especially: the metrics API has no stand-in that forwards to a
 * provider registered later) before that, or pass the providers.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): LatchTelemetry {
  const recorderOptions = { recordUserId: options.recordUserId === true, recordSessionHandle: options.recordSessionHandle === true };
  let shared: { instruments: Instruments; cache: VerifiedTokenCacheMetrics } | undefined;
  return {
    attach(instance) {
      if (!shared) {
        const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, version);
        const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, version);
        shared = { instruments: new Instruments(tracer, meter), cache: new VerifiedTokenCacheMetrics(meter) };
      }
      const { instruments, cache } = shared;
      cache.add(instance);
      return new OpenTelemetryRecorder(instruments, instance, recorderOptions, () => cache.remove(instance));
    },
  };
}
