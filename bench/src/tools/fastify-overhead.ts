// Latch's own cost on a protected Fastify GET, in process (fastify.inject, no sockets): CPU time per
// request of bare Fastify and of Latch, alternated in rounds. A tool for optimising, steadier than
// HTTP load on a busy machine: `node --import tsx bench/src/tools/fastify-overhead.ts`.
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { latchPlugin, verifySession } from "@latch/fastify";
import Fastify, { type FastifyInstance } from "fastify";

async function bare(): Promise<FastifyInstance> {
  const app = Fastify();
  app.get("/protected", async () => ({ ok: true }));
  await app.ready();
  return app;
}

async function noopHooks(): Promise<FastifyInstance> {
  const app = Fastify();
  app.addHook("onRequest", (_request, _reply, done) => done());
  app.get("/protected", { preHandler: async () => {} }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

async function withLatch(): Promise<{ app: FastifyInstance; cookie: string }> {
  const app = Fastify();
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" } });
  await app.register(latchPlugin, { latch });
  app.post("/login", async (request, reply) => {
    await latch.createNewSession(request, reply, "bench-user");
    return { ok: true };
  });
  app.get("/protected", { preHandler: verifySession({ latch }) }, async (request) => ({
    ok: true,
    userId: (request as unknown as { session?: SessionContainer }).session?.getUserId(),
  }));
  await app.ready();
  const response = await app.inject({ method: "POST", url: "/login", payload: {} });
  const setCookie = response.headers["set-cookie"];
  const cookie = ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(";")[0])
    .join("; ");
  return { app, cookie };
}

async function cpuMicrosPerRequest(app: FastifyInstance, cookie: string, requests: number): Promise<number> {
  const before = process.cpuUsage();
  const batch = 50;
  for (let i = 0; i < requests; i += batch) {
    const responses = await Promise.all(
      Array.from({ length: batch }, () => app.inject({ method: "GET", url: "/protected", headers: { cookie } })),
    );
    if (responses.some((r) => r.statusCode !== 200)) throw new Error(`status ${responses.find((r) => r.statusCode !== 200)?.statusCode}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

const variants: Array<[string, FastifyInstance]> = [
  ["bare", await bare()],
  ["bare + no-op onRequest and preHandler hooks", await noopHooks()],
];
const latched = await withLatch();
variants.push(["latch", latched.app]);
const rounds = Number(process.argv[2] ?? 6);
const requests = Number(process.argv[3] ?? 20_000);
for (const [, app] of variants) await cpuMicrosPerRequest(app, latched.cookie, requests); // warm-up
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const [name, app] of order) times.get(name)?.push(await cpuMicrosPerRequest(app, latched.cookie, requests));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const bareMedian = median(times.get("bare") ?? []);
for (const [name, list] of times) {
  const m = median(list);
  console.log(
    `${name}: ${m.toFixed(1)} µs/req (runs ${list.map((v) => v.toFixed(0)).join(" ")}), +${(m - bareMedian).toFixed(1)} µs over bare`,
  );
}
