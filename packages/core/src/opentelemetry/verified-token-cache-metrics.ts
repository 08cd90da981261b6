import type { Meter } from "@opentelemetry/api";
import type { TelemetryInstance } from "../telemetry";
import { METRIC } from "./names";

/**
 * The verified-token cache's hits and misses as asynchronous counters (and their ratio as a
 * gauge), summed over the Latch instances attached: read when the SDK collects, so the request
 * path only ever increments two integers. A closed instance's last counts are kept, so the
 * counters never go down.
 */
export class VerifiedTokenCacheMetrics {
  readonly #instances = new Set<TelemetryInstance>();
  #closedHits = 0;
  #closedMisses = 0;

  constructor(meter: Meter) {
    const hits = meter.createObservableCounter(METRIC.verifiedTokenCacheHits, {
      description: "Requests whose access token was verified before (no parse, no signature check)",
      unit: "{lookup}",
    });
    const misses = meter.createObservableCounter(METRIC.verifiedTokenCacheMisses, {
      description: "Requests whose access token had to be verified",
      unit: "{lookup}",
    });
    const ratio = meter.createObservableGauge(METRIC.verifiedTokenCacheHitRatio, {
      description: "Hits / (hits + misses) since the instances started; for a recent ratio, divide the counters' rates",
      unit: "1",
    });
    meter.addBatchObservableCallback(
      (result) => {
        const total = this.#total();
        result.observe(hits, total.hits);
        result.observe(misses, total.misses);
        if (total.hits + total.misses > 0) result.observe(ratio, total.hits / (total.hits + total.misses));
      },
      [hits, misses, ratio],
    );
  }

  add(instance: TelemetryInstance): void {
    this.#instances.add(instance);
  }

  remove(instance: TelemetryInstance): void {
    if (!this.#instances.delete(instance)) return;
    const last = instance.verifiedTokenCacheLookups();
    this.#closedHits += last.hits;
    this.#closedMisses += last.misses;
  }

  #total(): { hits: number; misses: number } {
    let hits = this.#closedHits;
    let misses = this.#closedMisses;
    for (const instance of this.#instances) {
      const lookups = instance.verifiedTokenCacheLookups();
      hits += lookups.hits;
      misses += lookups.misses;
    }
    return { hits, misses };
  }
}
