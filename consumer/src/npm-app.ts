import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";
import { CONSUMER_ROOT, NPM_CACHE } from "./paths";

const run = promisify(execFile);

export interface AppSpec {
  /** Folder name under the app group. */
  name: string;
  /** Registry dependencies (framework, types, compiler) with their ranges. */
  dependencies: Record<string, string>;
  /** The @latch packages the app depends on directly; they come from the packed tarballs. */
  latch: string[];
  /** "module" for ESM apps; CommonJS otherwise. */
  type?: "module" | "commonjs";
  /** Files to write, path -> content (README snippets, tsconfig.json...). */
  files: Record<string, string>;
}

/**
 * Writes the apps of one group as npm workspaces in a fresh folder under the OS temp folder and
 * runs one `npm install` (the group shares one build of a native addon such as better-sqlite3).
 * Every @latch package resolves to its tarball, the direct ones and those the tarballs depend on
 * (`overrides`), so nothing comes from the registry under Latch's name. `installArgs` go to that
 * `npm install` as they are (`--omit=optional`). Returns the group folder.
 */
export async function installGroup(group: string, apps: AppSpec[], installArgs: string[] = []): Promise<string> {
  const tarballs = inject("latchTarballs");
  const root = join(CONSUMER_ROOT, group);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const overrides = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  writeJson(join(root, "package.json"), {
    name: `latch-consumer-${group}`,
    private: true,
    workspaces: apps.map((app) => app.name),
    overrides,
  });
  for (const app of apps) {
    const dir = join(root, app.name);
    const latchDependencies = Object.fromEntries(app.latch.map((name) => [name, `file:${tarballOf(tarballs, name)}`]));
    writeJson(join(dir, "package.json"), {
      name: app.name,
      version: "1.0.0",
      private: true,
      type: app.type ?? "commonjs",
      dependencies: { ...latchDependencies, ...app.dependencies },
    });
    for (const [file, content] of Object.entries(app.files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
  }
  await npm(root, ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", ...installArgs]);
  return root;
}

function tarballOf(tarballs: Record<string, string>, name: string): string {
  const file = tarballs[name];
  if (!file) throw new Error(`${name} is not a public package`);
  return file;
}

/** npm with the shared cache; better-sqlite3 compiles against this Node's headers where it has no prebuilt binary. */
export async function npm(cwd: string, args: string[]): Promise<string> {
  return exec(cwd, "npm", args, { npm_config_cache: NPM_CACHE, npm_config_nodedir: process.env.npm_config_nodedir ?? "/usr" });
}

/** Runs a command in an app folder with a clean environment (no workspace variables); throws with its output. */
export async function exec(cwd: string, command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env: cleanEnv(env), maxBuffer: 64 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`.slice(0, 20_000));
  }
}

/** The environment a user's shell would have: none of pnpm's or vitest's variables. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|PNPM|VITEST|NODE_OPTIONS|NODE_PATH|TURBO|INIT_CWD)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The path of a package's binary as the app resolves it (workspaces hoist some packages and nest others). */
export function binOf(appDir: string, packageName: string, bin = packageName): string {
  const manifestPath = createRequire(join(appDir, "package.json")).resolve(`${packageName}/package.json`);
  const bins = JSON.parse(readFileSync(manifestPath, "utf8")).bin as string | Record<string, string>;
  const relative = typeof bins === "string" ? bins : bins[bin];
  if (!relative) throw new Error(`${packageName} has no binary ${bin}`);
  return join(dirname(manifestPath), relative);
}

/** A strict tsconfig.json compiling `src` to `dist` with these options on top. */
export function tsconfig(compilerOptions: Record<string, unknown>): string {
  const options = { strict: true, outDir: "dist", rootDir: "src", types: ["node"], ...compilerOptions };
  return `${JSON.stringify({ compilerOptions: options, include: ["src"] }, null, 2)}\n`;
}

/** Compiles an app with the TypeScript it installed. */
export async function compile(appDir: string): Promise<void> {
  await exec(appDir, process.execPath, [binOf(appDir, "typescript", "tsc"), "-p", "."]);
}

/** Variables for spawnApp (which starts from this process's environment): pnpm's NODE_PATH would let a CommonJS app find the workspace's packages. */
export const USER_ENV: Record<string, string> = { NODE_PATH: "" };
