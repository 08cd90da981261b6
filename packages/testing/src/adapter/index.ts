import { afterAll, beforeAll, describe, it } from "vitest";
import { startFaultProxy as startOutageProxy } from "../store/faults";
import { type ConformanceGroup, conformanceGroups } from "./cases";
import { type AdapterHarness, type ConformanceContext, startContext } from "./context";
import { isListening } from "./reachable";

const OUTAGE_TARGET = { host: "127.0.0.1", port: Number(process.env.LATCH_OUTAGE_POSTGRES_PORT ?? 5432) };

/** Starts the group's app; outage groups get PostgreSQL behind a proxy they can switch off. */
async function startGroup(harness: AdapterHarness, group: ConformanceGroup): Promise<ConformanceContext> {
  if (!group.throughOutageProxy) return startContext(harness, group.env);
  const outage = await startOutageProxy(OUTAGE_TARGET);
  // The group's own database is made on the real server; the app reaches it through the proxy.
  return startContext(harness, group.env, { storeUrl: `postgres://postgres@${OUTAGE_TARGET.host}:${OUTAGE_TARGET.port}/test`, outage });
}

/**
 * Outage groups need PostgreSQL: under CI=true they always run; elsewhere they skip loudly without
 * it. An app that cannot use a networked store at all skips them everywhere, saying why.
 */
async function skipReason(harness: AdapterHarness, group: ConformanceGroup): Promise<string | undefined> {
  if (group.throughOutageProxy && harness.noNetworkedStore) return harness.noNetworkedStore;
  // Two processes on `memory:` share nothing: there is no fleet to test.
  const storeUrl = harness.storeUrl ?? process.env.LATCH_CONFORMANCE_STORE;
  if (group.twoServers && (harness.noNetworkedStore || storeUrl?.startsWith("memory:"))) {
    return harness.noNetworkedStore ?? "the app runs on memory:, which two processes cannot share";
  }
  if (!group.throughOutageProxy || process.env.CI === "true" || (await isListening(OUTAGE_TARGET))) return undefined;
  const reason = `PostgreSQL is not listening on ${OUTAGE_TARGET.host}:${OUTAGE_TARGET.port}`;
  console.warn(`\u26a0\ufe0f  SKIPPING conformance group "${group.name}": ${reason} (CI=true makes this fail)`);
  return reason;
}

export { freePort, type RunningApp, type SpawnAppOptions, spawnApp } from "./app-process";
export { type ConformanceCase, type ConformanceGroup, conformanceGroups } from "./cases";
export { type AdapterHarness, type ConformanceContext, type SecondServer, startContext } from "./context";
export { decodeFrontTokenHeader, exposedHeaders, HttpClient, type ParsedSetCookie, parseSetCookie, type Reply } from "./http-client";
export { isListening, listeningUrl } from "./reachable";

/**
 * Registers the whole HTTP conformance suite for one adapter: every group starts the adapter's
 * example app with its own config and store, and every case runs against it over real HTTP.
 */
export function runAdapterConformance(harness: AdapterHarness): void {
  describe(`${harness.name}: protocol conformance`, () => {
    for (const group of conformanceGroups()) {
      describe(group.name, () => {
        let ctx: ConformanceContext | undefined;
        let skipped: string | undefined;
        beforeAll(async () => {
          skipped = await skipReason(harness, group);
          if (!skipped) ctx = await startGroup(harness, group);
        }, 60_000);
        afterAll(async () => {
          await ctx?.close();
        });
        for (const testCase of group.cases) {
          it(testCase.name, async (test) => {
            if (skipped) return test.skip(skipped);
            if (!ctx) throw new Error("the app did not start");
            await testCase.run(ctx);
          }, 30_000);
        }
      });
    }
  });
}

/** Runs every case outside the test runner and reports which failed (to prove the suite catches a broken adapter). */
export async function runConformanceCases(harness: AdapterHarness): Promise<Array<{ group: string; name: string; error?: Error }>> {
  const results: Array<{ group: string; name: string; error?: Error }> = [];
  for (const group of conformanceGroups()) {
    if (await skipReason(harness, group)) continue;
    const ctx = await startGroup(harness, group);
    try {
      for (const testCase of group.cases) {
        try {
          await testCase.run(ctx);
          results.push({ group: group.name, name: testCase.name });
        } catch (error) {
          results.push({ group: group.name, name: testCase.name, error: error as Error });
        }
      }
    } finally {
      await ctx.close();
    }
  }
  return results;
}
