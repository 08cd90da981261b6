// Next.js App Router as users install it: the packed packages from npm in a fresh app made of the
// nextjs README's files, built with `next build` on a machine without DATABASE_URL (the Latch
// instance must not be created while building), then served by `next start` on a PostgreSQL
// database of its own (created and dropped here) behind a proxy that can cut it off.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { HttpClient } from "@latch/testing/adapter";
import { type FaultProxy, startFaultProxy } from "@latch/testing/store";
import { afterAll, beforeAll, describe, it } from "vitest";
import { outageFlow, sessionFlow } from "../src/flow";
import { type NextServer, nextBuild, nextStart } from "../src/next-app";
import { exec, installGroup } from "../src/npm-app";
import { readmeSnippet } from "../src/readme";

const PG = { host: "127.0.0.1", port: 5432 };
const database = `latch_consumer_next_${process.pid}`;
const APP = "nextjs-app";
/** The README's files; the app is made of these and nothing of Latch's besides. */
const README_FILES = [
  "lib/latch.ts",
  "app/auth/[...path]/route.ts",
  "app/.well-known/jwks.json/route.ts",
  "app/login/route.ts",
  "app/me/route.ts",
  "app/dashboard/page.tsx",
  "middleware.ts",
];

// What create-next-app writes (TypeScript, App Router, no src folder, the "@/" alias), but
// without skipLibCheck, so Latch's declaration files are type-checked by `next build` too.
const TSCONFIG = {
  compilerOptions: {
    target: "ES2017",
    lib: ["dom", "dom.iterable", "esnext"],
    allowJs: true,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    module: "esnext",
    moduleResolution: "bundler",
    resolveJsonModule: true,
    isolatedModules: true,
    jsx: "react-jsx",
    incremental: true,
    plugins: [{ name: "next" }],
    paths: { "@/*": ["./*"] },
  },
  include: ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts"],
  exclude: ["node_modules"],
};

// Next.js requires a root layout; it is the app's, not Latch's.
const LAYOUT = `import type { ReactNode } from "react";

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
`;

let root = "";
let proxy: FaultProxy | undefined;
let server: NextServer | undefined;
let databaseCreated = false;

function psql(sql: string): Promise<string> {
  return exec(process.cwd(), "psql", [
    "-h",
    PG.host,
    "-p",
    String(PG.port),
    "-U",
    "postgres",
    "-d",
    "test",
    "-v",
    "ON_ERROR_STOP=1",
    "-c",
    sql,
  ]);
}

beforeAll(async () => {
  await psql(`DROP DATABASE IF EXISTS "${database}"`);
  await psql(`CREATE DATABASE "${database}"`);
  databaseCreated = true;
  proxy = await startFaultProxy(PG);
  root = await installGroup("nextjs", [
    {
      name: APP,
      // An explicit "commonjs" makes Turbopack refuse the app's ESM sources; create-next-app writes no "type".
      type: "module",
      latch: ["@latch/core", "@latch/nextjs", "@latch/postgres"],
      dependencies: {
        next: "^16.4.6",
        react: "^19.3.1",
        "react-dom": "^19.3.1",
        typescript: "^5.9.3",
        "@types/react": "^19.3.0",
        "@types/node": "^20.19.0",
      },
      files: {
        ...Object.fromEntries(README_FILES.map((file) => [file, readmeSnippet(`${APP}/${file}`)])),
        "app/layout.tsx": LAYOUT,
        "tsconfig.json": `${JSON.stringify(TSCONFIG, null, 2)}\n`,
      },
    },
  ]);
});

afterAll(async () => {
  await server?.close();
  await proxy?.close();
  if (databaseCreated) await psql(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

describe("Next.js 16 App Router, TypeScript, PostgreSQL (nextjs README)", () => {
  it("builds with no DATABASE_URL, serves with next start: route handlers, a server component behind the edge middleware, a store outage", async () => {
    const dir = join(root, APP);
    const build = await nextBuild(dir, { unset: ["DATABASE_URL"] });
    assert.doesNotMatch(build, /ConfigError|postgres store|DATABASE_URL/, "next build created the Latch instance");
    assert.match(build, /ƒ \/dashboard\b/, `the server component renders per request:\n${build}`);
    assert.match(build, /Middleware|Proxy/, `the middleware is built:\n${build}`);

    const outage = proxy;
    if (!outage) throw new Error("no proxy");
    server = await nextStart(dir, { DATABASE_URL: `postgres://postgres@127.0.0.1:${outage.port}/${database}` });
    const { baseUrl } = server;
    const log = server.output;

    // Route handlers: a bad body, login, the protected /me, refresh, sign-out.
    await sessionFlow(baseUrl, "/me");

    // The edge middleware keeps signed-out requests from the server component; signed in, the page reads the session.
    const stranger = await new HttpClient(baseUrl).get("/dashboard");
    assert.equal(stranger.status, 401, `a signed-out /dashboard: ${stranger.status} ${stranger.text}`);
    assert.deepEqual(stranger.body, { message: "unauthorised" });
    const client = new HttpClient(baseUrl);
    const userId = `user-${randomUUID()}`;
    assert.equal((await client.post("/login", { json: { userId } })).status, 200);
    const page = await client.get("/dashboard");
    assert.equal(page.status, 200, `/dashboard: ${page.status} ${page.text.slice(0, 2000)}\n${log()}`);
    assert.match(page.text, new RegExp(`Signed in as (<!-- -->)?${userId}`), "getSSRSession saw the session");
    const jwks = await client.get("/.well-known/jwks.json");
    assert.equal(jwks.status, 200, `/.well-known/jwks.json: ${jwks.status} ${jwks.text}`);
    assert.ok(((jwks.body as { keys?: unknown[] }).keys ?? []).length > 0, "the JWKS has keys");
    assert.equal((await client.post("/auth/signout")).status, 200);
    assert.equal((await client.get("/dashboard")).status, 401, "signed out: the middleware turns /dashboard away");

    // PostgreSQL cut off: 503s, the cause in the server's log, and recovery without a restart.
    await outageFlow(baseUrl, { down: () => outage.down(), up: () => outage.up() });
    assert.match(log(), /latch session store "postgres" failed \(\w+\): \S/, `the outage's cause is logged:\n${log()}`);
    assert.match(log(), /latch session store "postgres" works again/, `the recovery is logged:\n${log()}`);
  }, 900_000);
});
