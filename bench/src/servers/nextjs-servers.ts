// The Next.js 16 servers of the adapter scenario, selected by argv[2]: the bench's tiny app
// (bench/next-app: POST /login and GET /protected route handlers) under `next start`, its routes
// bare or wrapped with @latch/nextjs's withLatch/withSession (memory store), chosen by BENCH_KIND
// when the route modules load. Builds the app first if it has no build or an older one than its sources. `next start` runs its
// server in a child process of its own; http-load.ts starts this launcher as a process group,
// counts the CPU of the whole group and stops the group.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const kind = process.argv[2] ?? "bare";
if (kind !== "bare" && kind !== "latch") throw new Error(`unknown server ${kind}`);
const port = process.env.PORT ?? "4000";
const host = "127.0.0.1";
const appDir = fileURLToPath(new URL("../../next-app", import.meta.url));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const env = { ...process.env, BENCH_KIND: kind, NEXT_TELEMETRY_DISABLED: "1" };

/** Whether the build is missing or older than a source file of the app. */
function buildIsStale(): boolean {
  const buildId = `${appDir}/.next/BUILD_ID`;
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = [
    "next.config.mjs",
    ...["app", "lib"].flatMap((dir) => readdirSync(`${appDir}/${dir}`, { recursive: true, encoding: "utf8" }).map((f) => `${dir}/${f}`)),
  ];
  return sources.some((file) => statSync(`${appDir}/${file}`).mtimeMs > built);
}

if (buildIsStale()) {
  // Our stdout is read for "listening on": the build's output goes to stderr.
  execFileSync(process.execPath, [nextBin, "build"], { cwd: appDir, env, stdio: ["ignore", process.stderr, "inherit"] });
}
const next = spawn(process.execPath, [nextBin, "start", "-H", host, "-p", port], {
  cwd: appDir,
  env,
  stdio: ["ignore", "ignore", "inherit"],
});
next.on("exit", (code) => process.exit(code ?? 1));

// `next start` logs "Ready" before the first route answers; wait until one does (bare: 200, latch: 401).
for (;;) {
  try {
    await fetch(`http://${host}:${port}/protected`);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
console.log(`listening on http://${host}:${port}`);
