import { Latch, MemoryStore } from "@latch/core";

// One instance per server process: Next.js may load this module once per route bundle, so the
// instance lives on globalThis (else /login and /protected would each get their own memory store).
const g = globalThis as { benchLatch?: Latch };

export const benchLatch = (): Latch =>
  (g.benchLatch ??= new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${process.env.PORT ?? 3000}` } }));

/** "bare" or "latch": which handler the routes export, chosen once when the route module loads, never per request. */
export const benchKind = process.env.BENCH_KIND === "latch" ? "latch" : "bare";
