import { Latch } from "@latch/core";
import { latchConfigFromEnv } from "@latch/example-config";

// One instance per server process. Next.js may load this module once per route bundle, so the
// instance lives on globalThis (else each route would get its own, and a memory store would split).
const globalLatch = globalThis as { latchExample?: Promise<Latch> };

/** The app's Latch, built on first use from LATCH_* variables (not at build time). */
export function appLatch(): Promise<Latch> {
  globalLatch.latchExample ??= latchConfigFromEnv().then((config) => new Latch(config));
  return globalLatch.latchExample;
}
