// Packaging check: every public package's exports load, as ESM (import) and as CJS (require), in
// a fresh Node process, the way a consumer would load them. Catches broken builds that type
// checks and in-repo tests (which import source or ESM) never see.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const failures = [];
let checked = 0;
for (const dir of readdirSync("packages")) {
  const manifest = JSON.parse(readFileSync(join("packages", dir, "package.json"), "utf8"));
  if (manifest.private) continue;
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === "./package.json" || typeof target !== "object") continue;
    const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    // An entry with only "default" is ESM only.
    const styles = { import: Boolean(target.import ?? target.default), require: Boolean(target.require) };
    for (const [style, code] of [
      ["import", `await import(${JSON.stringify(specifier)})`],
      ["require", `require(${JSON.stringify(specifier)})`],
    ]) {
      if (!styles[style]) continue;
      checked++;
      try {
        const args = style === "import" ? ["--input-type=module", "-e", code] : ["-e", code];
        execFileSync(process.execPath, args, { cwd: join("packages", dir), stdio: "pipe" });
      } catch (error) {
        failures.push(
          `${specifier} (${style}): ${String(error.stderr ?? error)
            .split("\n")
            .slice(0, 6)
            .join("\n")}`,
        );
      }
    }
  }
}
if (failures.length > 0) {
  console.error(`check-packages: ${failures.length} of ${checked} entry points fail to load:\n${failures.join("\n\n")}`);
  process.exit(1);
}
console.log(`check-packages: ${checked} entry points load as ESM and CJS`);
