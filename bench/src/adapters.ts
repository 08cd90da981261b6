// The adapters of scenario 7 (protected GET, each adapter against its own bare framework): which
// servers script serves each one, and what its bare baseline is. Every script has a "bare" and a
// "latch" kind (same route, same JSON body, with and without the adapter's session check on the
// memory store); Hono's also have the two-no-op-middlewares control.
export interface AdapterBench {
  /** Short name for BENCH_ADAPTERS. */
  id: string;
  title: string;
  script: string;
  kinds: string[];
  /** What bare and latch are, for the line under the table. */
  note: string;
}

export const ADAPTER_BENCHES: AdapterBench[] = [
  {
    id: "hapi",
    title: "hapi 21",
    script: "hapi-servers.ts",
    kinds: ["bare", "latch"],
    note: 'latch: `latchPlugin` and `options: { auth: "latch" }` on the route.',
  },
  {
    id: "koa",
    title: "Koa 3",
    script: "koa-servers.ts",
    kinds: ["bare", "latch"],
    note: "@koa/router; latch: `middleware()` app-wide and `verifySession()` on the route.",
  },
  {
    id: "nestjs-express",
    title: "NestJS 12 on Express",
    script: "nestjs-express-servers.ts",
    kinds: ["bare", "latch"],
    note: "bare: a Nest controller; latch: `LatchModule.forRoot`, `@UseGuards(SessionGuard)` and `@Session()`.",
  },
  {
    id: "nestjs-fastify",
    title: "NestJS 12 on Fastify",
    script: "nestjs-fastify-servers.ts",
    kinds: ["bare", "latch"],
    note: "The same module on `@nestjs/platform-fastify`.",
  },
  {
    id: "loopback",
    title: "LoopBack 4",
    script: "loopback-servers.ts",
    kinds: ["bare", "latch"],
    note: 'bare: a RestApplication controller; latch: `LatchComponent`, `AuthenticationComponent`, `@authenticate("latch")` and the session injected.',
  },
  {
    id: "nextjs",
    title: "Next.js 16 route handler, next start",
    script: "nextjs-servers.ts",
    kinds: ["bare", "latch"],
    note: "bench/next-app under `next start` (CPU of its whole process group: the CLI and its server child); bare: `Response.json` from the route handler; latch: the same handler in `withSession`.",
  },
  {
    id: "aws-lambda",
    title: "AWS Lambda handler, in process",
    script: "lambda-servers.ts",
    kinds: ["bare", "latch"],
    note: "The handler invoked in process by a minimal API Gateway v2 shim over node:http, the same shim for both (one event per request, the result written back), so only the handler differs; latch: `verifySession(handler)`.",
  },
  {
    id: "hono-node",
    title: "Hono 4 on Node, @hono/node-server",
    script: "hono-servers.ts",
    kinds: ["bare", "bare-with-two-noop-middlewares", "latch"],
    note: "latch: `middleware()` app-wide and `verifySession()` on the route.",
  },
  {
    id: "hono-bun",
    title: "Hono 4 on Bun",
    script: "hono-bun-servers.ts",
    kinds: ["bare", "bare-with-two-noop-middlewares", "latch"],
    note: "The same app under `Bun.serve` (Bun from the @oven/bun-linux-x64 package); server CPU counts all of Bun's threads.",
  },
];
