// `next build` must not create the Latch instance: the example app (apps/nextjs) builds with a store
// URL that could never open, as a build machine without the production database would have.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const exampleApp = fileURLToPath(new URL("../../../apps/nextjs", import.meta.url));
const distDir = `.next-build-test-${process.pid}`;
// next build rewrites next-env.d.ts to point at its distDir: put the checked-in one back.
const nextEnv = join(exampleApp, "next-env.d.ts");
const nextEnvContent = readFileSync(nextEnv, "utf8");

afterAll(() => {
  rmSync(join(exampleApp, distDir), { recursive: true, force: true });
  writeFileSync(nextEnv, nextEnvContent);
});

/** Runs `next build` in the example app; resolves with its exit code and output. */
function nextBuild(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const nextBin = createRequire(join(exampleApp, "package.json")).resolve("next/dist/bin/next");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, "build"], {
      cwd: exampleApp,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: distDir, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("next build", () => {
  it("succeeds with a store URL that cannot work: the instance is created on first use, not while prerendering", async () => {
    // A malformed postgres URL: creating the instance would throw a ConfigError at once.
    const { code, output } = await nextBuild({ LATCH_STORE: "postgres://latch:p@ss@[no-such-host/app", DATABASE_URL: "" });
    expect(output).not.toMatch(/ConfigError|postgres store:/);
    expect(code, output).toBe(0);
    // The page that reads the session is rendered per request.
    expect(output).toMatch(/ƒ \/\s/);
  }, 600_000);
});
