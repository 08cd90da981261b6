// Packaging check, the way a consumer meets each public package:
// 1. every export loads, as ESM (import) and as CJS (require), in a fresh Node process;
// 2. publint (package.json fields against the files that would be published);
// 3. arethetypeswrong (the types resolve for ESM and CJS consumers under node16 resolution).
// Catches broken builds that type checks and in-repo tests (which import source or ESM) never see.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const bin = (name) => resolve("node_modules", ".bin", name);
const firstLines = (text, count = 12) => String(text).trim().split("\n").slice(0, count).join("\n");

const publicPackages = readdirSync("packages")
  .map((dir) => ({ dir: join("packages", dir), manifest: JSON.parse(readFileSync(join("packages", dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => !manifest.private);

/** One check: a command in a package folder that must exit 0. */
const checks = [];
for (const { dir, manifest } of publicPackages) {
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === "./package.json" || typeof target !== "object") continue;
    const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    // An entry with only "default" is ESM only.
    if (target.import ?? target.default) {
      checks.push({
        what: `${specifier} (import)`,
        dir,
        command: [process.execPath, "--input-type=module", "-e", `await import(${JSON.stringify(specifier)})`],
      });
    }
    if (target.require)
      checks.push({ what: `${specifier} (require)`, dir, command: [process.execPath, "-e", `require(${JSON.stringify(specifier)})`] });
  }
  checks.push({ what: `${manifest.name} (publint)`, dir, command: [bin("publint"), "--strict"] });
  // ESM-only packages (no "require" condition anywhere) are checked for ESM consumers only.
  const hasCjs = JSON.stringify(manifest.exports ?? {}).includes('"require"');
  checks.push({
    what: `${manifest.name} (arethetypeswrong)`,
    dir,
    command: [bin("attw"), "--pack", ".", "--profile", hasCjs ? "node16" : "esm-only", "--format", "ascii"],
  });
}

const failures = [];
async function worker(queue) {
  for (let check = queue.shift(); check; check = queue.shift()) {
    const [command, ...args] = check.command;
    try {
      await run(command, args, { cwd: check.dir, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      failures.push(`${check.what}:\n${firstLines(`${error.stdout ?? ""}\n${error.stderr ?? error}`)}`);
    }
  }
}
const queue = [...checks];
await Promise.all([worker(queue), worker(queue)]);

if (failures.length > 0) {
  console.error(`check-packages: ${failures.length} of ${checks.length} checks fail:\n\n${failures.join("\n\n")}`);
  process.exit(1);
}
console.log(
  `check-packages: ${checks.length} checks pass (exports load as ESM and CJS, publint, arethetypeswrong) over ${publicPackages.length} packages`,
);
