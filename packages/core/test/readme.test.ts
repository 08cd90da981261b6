// The core README's examples, run as written (extracted from the README at test time).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { metrics, trace } from "@opentelemetry/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inMemorySdk, total } from "./support/opentelemetry-sdk";

/** Writes a README block to a module of its own (top-level await needs one) and imports it. */
async function runReadmeBlock(name: string): Promise<void> {
  const dir = join(import.meta.dirname, ".generated");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}.ts`);
  writeFileSync(file, `${readmeBlock(name)}\nexport {};\n`);
  await import(file);
}

function readmeBlock(name: string): string {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const marker = `<!-- readme-test: ${name} -->\n`;
  const at = readme.indexOf(marker);
  const block = at === -1 ? undefined : readme.slice(at + marker.length).match(/^```ts\n([\s\S]*?)\n```/)?.[1];
  if (!block) throw new Error(`README.md has no code block after ${marker.trim()}`);
  return block;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("core README", () => {
  it("the Claims example runs and logs that the admin check failed", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await runReadmeBlock("claims");
    expect(log.mock.calls).toEqual([[true]]);
  }, 60_000); // a signing key is generated: seconds on a busy machine

  it("the OpenTelemetry example records through the SDK registered before it", async () => {
    const sdk = inMemorySdk();
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    vi.spyOn(console, "info").mockImplementation(() => {});
    try {
      await runReadmeBlock("opentelemetry");
      expect(sdk.spans().map((span) => span.name)).toContain("latch.store.createSession");
      expect(total(await sdk.metrics(), "latch.sessions.created")).toBe(1);
    } finally {
      trace.disable();
      metrics.disable();
      await sdk.shutdown();
    }
  }, 60_000);
});
