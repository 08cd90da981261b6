// Vitest global setup: packs every public package once (`pnpm pack`, as `pnpm publish` would) into
// a folder outside the workspace, where the apps' npm installs take the tarballs from.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { CONSUMER_ROOT, TARBALLS } from "./paths";

const workspace = resolve(import.meta.dirname, "../..");

export default function setup(project: TestProject): void {
  const publicPackages = readdirSync(join(workspace, "packages"))
    .map((dir) => ({
      dir: join(workspace, "packages", dir),
      manifest: JSON.parse(readFileSync(join(workspace, "packages", dir, "package.json"), "utf8")),
    }))
    .filter(({ manifest }) => !manifest.private);
  for (const { dir, manifest } of publicPackages) {
    if (!existsSync(join(dir, "dist"))) throw new Error(`${manifest.name} is not built: run \`pnpm build\` first`);
  }
  rmSync(TARBALLS, { recursive: true, force: true });
  mkdirSync(TARBALLS, { recursive: true });
  mkdirSync(CONSUMER_ROOT, { recursive: true });
  const filters = publicPackages.flatMap(({ manifest }) => ["--filter", manifest.name]);
  execFileSync("pnpm", ["-r", ...filters, "pack", "--pack-destination", TARBALLS], { cwd: workspace, stdio: "pipe" });
  const tarballs: Record<string, string> = {};
  for (const { manifest } of publicPackages) {
    const file = join(TARBALLS, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`);
    if (!existsSync(file)) throw new Error(`pnpm pack wrote no ${file}`);
    tarballs[manifest.name] = file;
  }
  project.provide("latchTarballs", tarballs);
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Package name -> its packed tarball. */
    latchTarballs: Record<string, string>;
  }
}
