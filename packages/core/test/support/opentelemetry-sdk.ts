// The real OpenTelemetry SDK, recording in memory: spans through InMemorySpanExporter, metrics
// through a MetricReader collected on demand, and AsyncLocalStorage context (so child spans nest).
import { type Attributes, context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

/** A reader that exports nowhere: the test calls `collect()`. */
class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface DataPoint {
  attributes: Attributes;
  value: number;
}

export function inMemorySdk() {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: (): ReadableSpan[] => spanExporter.getFinishedSpans(),
    /** Every metric of every scope, by name: its points' attributes and values (sums and gauges). */
    async metrics(): Promise<Map<string, DataPoint[]>> {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, "metric collection failed");
      const byName = new Map<string, DataPoint[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          const points = metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value as number }));
          byName.set(metric.descriptor.name, [...(byName.get(metric.descriptor.name) ?? []), ...points]);
        }
      }
      return byName;
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

export type InMemorySdk = ReturnType<typeof inMemorySdk>;

/** Registers AsyncLocalStorage as the global context manager; returns the undo. */
export function useAsyncContext(): () => void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return () => context.disable();
}

/** The sum of a counter's points whose attributes include `match` (0 when it has none). */
export function total(metrics: Map<string, DataPoint[]>, name: string, match: Attributes = {}): number {
  return (metrics.get(name) ?? [])
    .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + point.value, 0);
}
