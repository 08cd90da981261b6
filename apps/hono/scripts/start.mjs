// Starts the example on the runtime LATCH_RUNTIME names: node (default), bun, deno or workerd.
// Every runtime comes from the npm registry as a devDependency; nothing is downloaded here.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const app = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const runtime = process.env.LATCH_RUNTIME || "node";
const latchEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name === "PORT" || name.startsWith("LATCH_")));

/** Runs one child in the foreground: its output is ours, and so is its exit. */
function run(command, args) {
  const child = spawn(command, args, { cwd: app, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** One ES module with everything inlined, for runtimes that do not read node_modules the way Node does. */
async function bundle(entry, outfile, platform) {
  const { build } = await import("esbuild");
  mkdirSync(join(app, "dist"), { recursive: true });
  await build({
    entryPoints: [join(app, entry)],
    outfile: join(app, outfile),
    bundle: true,
    format: "esm",
    platform,
    target: "es2022",
    // @latch/example-config imports store packages by name only for their LATCH_STORE schemes; these
    // runtimes run on memory: (src/settings.ts), so those imports stay out of the bundle.
    external: ["@latch/sqlite", "@latch/postgres", "@latch/mysql", "@latch/redis"],
    logLevel: "warning",
    // core's dist has bare imports of shared chunks; with "sideEffects": false esbuild drops them,
    // rightly (the chunks' exports are imported where used), and says so on every start.
    logOverride: { "ignored-bare-import": "silent" },
  });
  return join(app, outfile);
}

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

if (runtime === "node") {
  run(process.execPath, ["--import", "tsx", "src/server-node.ts"]);
} else if (runtime === "bun") {
  const bun = join(packageDir("@oven/bun-linux-x64"), "bin", "bun");
  run(bun, [await bundle("src/server-bun.ts", "dist/server-bun.js", "neutral")]);
} else if (runtime === "deno") {
  const denoPackage = packageDir("deno");
  const deno = existsSync(join(denoPackage, "deno")) ? join(denoPackage, "deno") : join(denoPackage, "bin.cjs");
  const script = await bundle("src/server-deno.ts", "dist/server-deno.js", "neutral");
  // Network only: no --allow-env (Latch must run without it), no file access.
  run(deno, ["run", "--no-prompt", "--no-config", "--allow-net=127.0.0.1", script, JSON.stringify(latchEnv)]);
} else if (runtime === "workerd") {
  const script = await bundle("src/worker.ts", "dist/worker.js", "neutral");
  run(process.execPath, [join(app, "scripts", "workerd.mjs"), script]);
} else {
  console.error(`LATCH_RUNTIME=${runtime}: expected node, bun, deno or workerd`);
  process.exit(1);
}
