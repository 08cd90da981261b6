// Serves the built app with `next start` on 127.0.0.1:$PORT and prints the line every Latch example
// prints once it answers (shared/example-app.md). Build first: `pnpm build` (turbo does it).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const port = process.env.PORT ?? "3000";
const host = "127.0.0.1";
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const next = spawn(process.execPath, [nextBin, "start", "-H", host, "-p", port], { stdio: ["ignore", "inherit", "inherit"] });

// Stopping this script stops next start (and its next-server child, which shares our process group).
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => next.kill(signal));
next.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `next start` logs "Ready" before the first route answers; wait until one does.
for (;;) {
  try {
    await fetch(`http://${host}:${port}/public`);
    break;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
console.log(`listening on http://${host}:${port}`);
