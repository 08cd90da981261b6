// @opentelemetry/api is an optional peer: only @latch/core/opentelemetry may import it. Proven on
// the source (no other entry reaches it) and on the build (every other entry loads where the peer
// cannot be resolved at all, and the opentelemetry entry then fails for exactly that reason).
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import packageJson from "../package.json";

const run = promisify(execFile);
const packageDir = join(import.meta.dirname, "..");

/** The bare specifiers (packages) a source file reaches through its relative imports, recursively. */
function packagesReachedFrom(entry: string): Set<string> {
  const reached = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string) => {
    if (visited.has(file)) return;
    visited.add(file);
    const source = readFileSync(file, "utf8");
    for (const [, specifier] of source.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
      if (!specifier) continue;
      if (!specifier.startsWith(".")) {
        reached.add(specifier);
        continue;
      }
      const base = resolve(dirname(file), specifier);
      const target = [`${base}.ts`, join(base, "index.ts"), base].find((candidate) => existsSync(candidate) && candidate.endsWith(".ts"));
      if (target) visit(target);
    }
  };
  visit(join(packageDir, entry));
  return reached;
}

const entries = { ".": "src/index.ts", "./node": "src/node/index.ts", "./web": "src/web/index.ts", "./sql": "src/sql/index.ts" };

describe("@opentelemetry/api stays optional", () => {
  it("is declared an optional peer dependency", () => {
    expect(packageJson.peerDependencies["@opentelemetry/api"]).toBeDefined();
    expect(packageJson.peerDependenciesMeta["@opentelemetry/api"]).toEqual({ optional: true });
    expect(Object.keys(packageJson.dependencies)).not.toContain("@opentelemetry/api");
  });

  it("no entry but ./opentelemetry reaches it in the source", () => {
    expect(Object.keys(packageJson.exports).filter((subpath) => subpath !== "./package.json")).toEqual([
      ...Object.keys(entries),
      "./opentelemetry",
    ]);
    for (const entry of Object.values(entries)) {
      expect([...packagesReachedFrom(entry)].filter((name) => name.startsWith("@opentelemetry/"))).toEqual([]);
    }
    // The walk does see it where it is.
    expect(packagesReachedFrom("src/opentelemetry/index.ts")).toContain("@opentelemetry/api");
  });

  describe("the build, copied where no node_modules can resolve the peer", () => {
    const dir = mkdtempSync(join(tmpdir(), "latch-core-without-otel-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // Without NODE_PATH: pnpm's bin shims set it to the store's hoisted folder, where require() would find the peer.
    const { NODE_PATH: _nodePath, NODE_OPTIONS: _nodeOptions, ...env } = process.env;
    const load = (code: string, type: "module" | "commonjs") =>
      run(process.execPath, [type === "module" ? "--input-type=module" : "--input-type=commonjs", "-e", code], { cwd: dir, env });

    it("every other entry loads, as ESM and as CJS; the opentelemetry entry fails on the missing peer", async () => {
      const dist = join(packageDir, "dist");
      if (!existsSync(join(dist, "opentelemetry.js")))
        throw new Error("packages/core/dist is missing: build it first (pnpm turbo run build --filter=@latch/core)");
      cpSync(dist, join(dir, "dist"), { recursive: true });
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      for (const name of ["index", "node", "web", "sql"]) {
        const esm = await load(`const m = await import("./dist/${name}.js"); console.log(Object.keys(m).length)`, "module");
        expect(Number(esm.stdout)).toBeGreaterThan(0);
        const cjs = await load(`console.log(Object.keys(require("./dist/${name}.cjs")).length)`, "commonjs");
        expect(Number(cjs.stdout)).toBeGreaterThan(0);
      }
      // A session works end to end there.
      const session = await load(
        `const { Latch, MemoryStore } = await import("./dist/index.js");
         const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", logger: false });
         const created = await latch.createNewSessionWithoutRequestResponse("public", "alice");
         const verified = await latch.getSessionWithoutRequestResponse(created.getAllSessionTokensDangerously().accessToken);
         console.log(verified.getUserId());`,
        "module",
      );
      expect(session.stdout.trim()).toBe("alice");
      await expect(load(`await import("./dist/opentelemetry.js")`, "module")).rejects.toThrow(/Cannot find package '@opentelemetry\/api'/);
      await expect(load(`require("./dist/opentelemetry.cjs")`, "commonjs")).rejects.toThrow(/Cannot find module '@opentelemetry\/api'/);
    }, 120_000);
  });
});
