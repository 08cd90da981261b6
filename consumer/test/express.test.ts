// The apps on Express as users install them: the packed packages from npm in fresh apps, the
// READMEs' code. One npm install for the four apps (workspaces), so better-sqlite3 compiles once;
// the TypeScript apps use the same @types/express (5), which the workspace hoists once.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunningApp, spawnApp } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, it } from "vitest";
import { outageFlow, sessionFlow } from "../src/flow";
import { compile, exec, installGroup, tsconfig, USER_ENV } from "../src/npm-app";
import { readmeSnippet } from "../src/readme";
import { sqliteLock } from "../src/sqlite-lock";

const LATCH = ["@latch/core", "@latch/express", "@latch/sqlite"];

// The subpaths whose types a `module: commonjs` (node10) project must resolve without skipLibCheck.
const SUBPATHS = `import type { BaseRequest } from "@latch/core";
import { wrapNode } from "@latch/core/node";
import { type SessionRow, sqlText } from "@latch/core/sql";
import { WebRequest } from "@latch/core/web";

export const used: unknown[] = [wrapNode, sqlText, WebRequest];
export type Used = [BaseRequest, SessionRow];
`;

let root = "";
const apps: RunningApp[] = [];

/** Compiles the app when it is TypeScript, starts it, runs the flow and a SQLite outage (a held write lock). */
async function runApp(name: string, entry: string, options: { typescript: boolean }): Promise<void> {
  const dir = join(root, name);
  if (options.typescript) await compile(dir);
  const app = await spawnApp({ cwd: dir, command: [process.execPath, entry], env: USER_ENV, startTimeoutMs: 60_000 });
  apps.push(app);
  await sessionFlow(app.baseUrl);
  await outageFlow(app.baseUrl, sqliteLock(dir));
}

beforeAll(async () => {
  root = await installGroup("express", [
    {
      name: "express4-cjs",
      latch: LATCH,
      dependencies: { express: "^4.21.2" },
      files: { "server.js": readmeSnippet("express4-cjs/server.js") },
    },
    {
      name: "express5-esm",
      type: "module",
      latch: LATCH,
      dependencies: { express: "^5.1.0", "@types/express": "^5.0.3", "@types/node": "^20.19.0", typescript: "^6.0.3" },
      files: {
        "src/server.ts": readmeSnippet("express5-esm/src/server.ts"),
        "tsconfig.json": tsconfig({ module: "nodenext", moduleResolution: "nodenext", target: "es2022" }),
      },
    },
    {
      name: "express-ts-commonjs",
      latch: LATCH,
      dependencies: { express: "^5.1.0", "@types/express": "^5.0.3", "@types/node": "^20.19.0", typescript: "^5.9.3" },
      files: {
        "src/server.ts": readmeSnippet("express-ts-commonjs/src/server.ts"),
        "src/subpaths.ts": SUBPATHS,
        "tsconfig.json": tsconfig({ module: "commonjs", target: "es2022", esModuleInterop: true }),
      },
    },
    {
      name: "nestjs-express",
      latch: ["@latch/core", "@latch/nestjs", "@latch/express", "@latch/sqlite"],
      dependencies: {
        "@nestjs/common": "^12.5.1",
        "@nestjs/core": "^12.5.1",
        "@nestjs/platform-express": "^12.5.1",
        "reflect-metadata": "^0.2.2",
        rxjs: "^7.8.2",
        "@types/node": "^20.19.0",
        typescript: "^5.9.3",
      },
      files: {
        "src/main.ts": readmeSnippet("nestjs-express/src/main.ts"),
        "tsconfig.json": tsconfig({
          // As `nest new` writes it (allowSyntheticDefaultImports included), but without skipLibCheck.
          module: "commonjs",
          target: "es2022",
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          allowSyntheticDefaultImports: true,
        }),
      },
    },
  ]);
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

describe("Express 4, CommonJS JavaScript, SQLite (express README)", () => {
  it("runs the flow and survives a store outage", async () => {
    await runApp("express4-cjs", "server.js", { typescript: false });
  });
});

describe("Express 5, TypeScript ESM (nodenext, strict, tsc), SQLite (express README)", () => {
  it("compiles with tsc, runs the flow and survives a store outage", async () => {
    await runApp("express5-esm", "dist/server.js", { typescript: true });
  });
});

describe("TypeScript `module: commonjs` (TypeScript 5.9, node10 resolution) without skipLibCheck (root README)", () => {
  it("compiles with tsc (core's subpaths included), runs the flow and survives a store outage", async () => {
    await runApp("express-ts-commonjs", "dist/server.js", { typescript: true });
  });
});

describe("NestJS on the Express platform, TypeScript CommonJS (nestjs README)", () => {
  it("installs neither Fastify nor @latch/fastify, compiles with tsc, runs the flow and survives a store outage", async () => {
    for (const name of ["fastify", "@latch/fastify", "@nestjs/platform-fastify"]) {
      // In a child with a user's environment: pnpm's NODE_PATH would find the workspace's copies.
      await assert.rejects(
        exec(join(root, "nestjs-express"), process.execPath, ["-e", `require.resolve("${name}")`]),
        `${name} is installed`,
      );
      assert.equal(existsSync(join(root, "node_modules", name)), false, `${name} is installed`);
    }
    await runApp("nestjs-express", "dist/main.js", { typescript: true });
  });
});
