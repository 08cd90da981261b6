// Packaging check, the way a consumer meets each public package:
// 1. every export loads, as ESM (import) and as CJS (require), in a fresh Node process;
// 2. publint (package.json fields against the files that would be published);
// 3. arethetypeswrong (the types resolve in every resolution mode: node10 for `module: commonjs`, node16 from CJS
//    and ESM, bundler), or for ESM consumers only where a package ships no CJS;
// 4. release metadata: LICENSE, CHANGELOG.md, repository (with directory), homepage, bugs, keywords, engines;
// 5. `pnpm publish -r --dry-run` would publish exactly the public packages (no private app, no missing package);
// 6. every pending changeset parses (frontmatter of `"<public package>": patch|minor|major` lines), as `changeset version` will read it.
// Catches broken builds that type checks and in-repo tests (which import source or ESM) never see.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
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
    command: [bin("attw"), "--pack", ".", ...(hasCjs ? [] : ["--profile", "esm-only"]), "--format", "ascii"],
  });
}

const REPOSITORY = "git+https://github.com/latch-js/latch.git";
/** What a package's registry page and tarball need; each string is one missing piece. */
function metadataProblems({ dir, manifest }) {
  const problems = [];
  for (const file of ["LICENSE", "CHANGELOG.md", "README.md"]) {
    if (!existsSync(join(dir, file))) problems.push(`no ${file}`);
  }
  for (const file of ["LICENSE", "CHANGELOG.md"]) if (!manifest.files?.includes(file)) problems.push(`"files" lacks ${file}`);
  if (manifest.license !== "MIT") problems.push('license is not "MIT"');
  if (manifest.repository?.url !== REPOSITORY || manifest.repository?.directory !== dir) {
    problems.push(`repository is not { url: ${REPOSITORY}, directory: ${dir} }`);
  }
  if (!manifest.homepage?.startsWith("https://github.com/latch-js/latch/")) problems.push("homepage missing");
  if (!manifest.bugs?.url) problems.push("bugs.url missing");
  if (!(manifest.keywords?.length > 0)) problems.push("keywords missing");
  if (!manifest.engines?.node) problems.push("engines.node missing");
  // Relative links are dead on the registry's page.
  const relative = readFileSync(join(dir, "README.md"), "utf8").match(/\]\((?!https?:|#|mailto:)[^)]+\)/g);
  if (relative) problems.push(`README has relative links: ${relative.join(", ")}`);
  return problems.map((problem) => `${manifest.name}: ${problem}`);
}

const failures = publicPackages.flatMap(metadataProblems);

/** The names `pnpm publish -r --dry-run` announces (lines like "📦 @latch/core@0.1.0 → registry"). */
async function namesPublishWouldPublish() {
  const { stdout, stderr } = await run("pnpm", ["publish", "-r", "--dry-run", "--no-git-checks"], { maxBuffer: 16 * 1024 * 1024 });
  return [...`${stdout}\n${stderr}`.matchAll(/📦 (@?[^@\s]+)@\S+ →/g)].map((match) => match[1]).sort();
}
const expectedNames = publicPackages.map(({ manifest }) => manifest.name).sort();
const publishedNames = await namesPublishWouldPublish();
if (JSON.stringify(publishedNames) !== JSON.stringify(expectedNames)) {
  failures.push(`pnpm publish -r --dry-run publishes [${publishedNames.join(", ")}], expected [${expectedNames.join(", ")}]`);
}

/** Problems `changeset version` would stop on: a file whose frontmatter is not package/bump lines, or names no public package. */
function changesetProblems() {
  const names = new Set(publicPackages.map(({ manifest }) => manifest.name));
  return readdirSync(".changeset")
    .filter((file) => file.endsWith(".md") && file !== "README.md")
    .flatMap((file) => {
      const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(join(".changeset", file), "utf8"))?.[1];
      if (!frontmatter) return [`.changeset/${file}: no frontmatter (---, "<package>": patch|minor|major, ---)`];
      return frontmatter.split("\n").flatMap((line) => {
        const entry = /^"(@latch\/[a-z0-9-]+)": (patch|minor|major)$/.exec(line.trim());
        if (!entry) return [`.changeset/${file}: not a "<package>": <bump> line: ${JSON.stringify(line)}`];
        return names.has(entry[1]) ? [] : [`.changeset/${file}: ${entry[1]} is not a public package`];
      });
    });
}
failures.push(...changesetProblems());

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
  `check-packages: ${checks.length} checks pass (exports load as ESM and CJS, publint, arethetypeswrong), metadata and publish set` +
    ` (${publishedNames.length} packages) right over ${publicPackages.length} packages`,
);
