import { inject } from "vitest";

declare module "vitest" {
  interface ProvidedContext {
    latchStoreSkipReason: string;
  }
}

/**
 * Decides whether the tests of a networked store run. Under CI (`CI=true`) they always run, so an
 * unreachable service fails the build instead of silently skipping; elsewhere an unreachable service
 * skips them with one loud warning that names the service and the reason.
 *
 * Returns the skip reason, or undefined when the tests must run.
 */
export async function serviceSkipReason(service: string, probe: () => Promise<void>, timeoutMs = 5_000): Promise<string | undefined> {
  try {
    await withTimeout(probe(), timeoutMs, `no answer within ${timeoutMs} ms`);
    return undefined;
  } catch (error) {
    if (process.env.CI === "true") return undefined;
    const reason = `${service} unreachable (${error instanceof Error ? error.message : String(error)})`;
    console.warn(`\u26a0\ufe0f  SKIPPING ${service} store tests: ${reason}. Start ${service} (see .ci/) or set CI=true to make this fail.`);
    return reason;
  }
}

/**
 * A vitest `globalSetup` (export it as the default of the file the package's vitest.config.ts names):
 * probes the service once per run, so the warning appears once, and hands the verdict to every test
 * file, which reads it with `injectedSkipReason()`.
 */
export function serviceGlobalSetup(service: string, probe: () => Promise<void>) {
  return async (project: { provide(key: "latchStoreSkipReason", value: string): void }): Promise<void> => {
    project.provide("latchStoreSkipReason", (await serviceSkipReason(service, probe)) ?? "");
  };
}

/** In a test file: why the globalSetup of `serviceGlobalSetup` says to skip, or undefined to run. */
export function injectedSkipReason(): string | undefined {
  return inject("latchStoreSkipReason") || undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
