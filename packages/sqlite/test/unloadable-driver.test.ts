import { StoreError } from "@latch/core";
import { describe, expect, it } from "vitest";
import { unloadableDriverError } from "../src/sqlite-store";

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
