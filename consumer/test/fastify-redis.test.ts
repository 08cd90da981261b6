// Fastify on Redis as users install it: the packed packages from npm in a fresh app, the fastify
// README's code, on a Redis server of its own (started here) behind a proxy that can cut it off.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { freePort, type RunningApp, spawnApp } from "@latch/testing/adapter";
import { type FaultProxy, startFaultProxy } from "@latch/testing/store";
import { afterAll, beforeAll, describe, it } from "vitest";
import { outageFlow, sessionFlow } from "../src/flow";
import { compile, installGroup, tsconfig, USER_ENV } from "../src/npm-app";
import { readmeSnippet } from "../src/readme";

let root = "";
let redis: ChildProcess | undefined;
let proxy: FaultProxy | undefined;
let app: RunningApp | undefined;

beforeAll(async () => {
  const redisPort = await freePort();
  redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  proxy = await startFaultProxy({ host: "127.0.0.1", port: redisPort });
  root = await installGroup("fastify", [
    {
      name: "fastify-redis",
      type: "module",
      latch: ["@latch/core", "@latch/fastify", "@latch/redis"],
      dependencies: { fastify: "^5.6.0", "@types/node": "^20.19.0", typescript: "^5.9.3" },
      files: {
        "src/server.ts": readmeSnippet("fastify-redis/src/server.ts"),
        "tsconfig.json": tsconfig({ module: "nodenext", moduleResolution: "nodenext", target: "es2022" }),
      },
    },
  ]);
});

afterAll(async () => {
  await app?.close();
  await proxy?.close();
  if (redis && redis.exitCode === null) {
    const exited = once(redis, "exit");
    redis.kill();
    await exited;
  }
});

describe("Fastify 5, TypeScript ESM, Redis (fastify README)", () => {
  it("compiles with tsc, runs the flow and survives a Redis outage", async () => {
    const dir = join(root, "fastify-redis");
    await compile(dir);
    const outage = proxy;
    if (!outage) throw new Error("no proxy");
    app = await spawnApp({
      cwd: dir,
      command: [process.execPath, "dist/server.js"],
      env: { ...USER_ENV, REDIS_URL: `redis://127.0.0.1:${outage.port}` },
      startTimeoutMs: 60_000,
    });
    await sessionFlow(app.baseUrl);
    await outageFlow(app.baseUrl, { down: () => outage.down(), up: () => outage.up() });
  });
});
