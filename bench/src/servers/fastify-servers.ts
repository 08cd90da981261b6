// The Fastify servers of the protected-GET scenario, selected by argv[2].
import secureSession from "@fastify/secure-session";
import { Latch, MemoryStore, type SessionContainer } from "@latch/core";
import { latchPlugin, verifySession } from "@latch/fastify";
import Fastify from "fastify";

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
const app = Fastify();

switch (kind) {
  case "bare":
    app.post("/login", async () => ({ ok: true }));
    app.get("/protected", async () => ({ ok: true }));
    break;
  case "latch": {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });
    await app.register(latchPlugin, { latch });
    app.post("/login", async (request, reply) => {
      await latch.createNewSession(request, reply, "bench-user");
      return { ok: true };
    });
    app.get("/protected", { preHandler: verifySession({ latch }) }, async (request) => ({
      ok: true,
      // @fastify/secure-session, loaded in this same program, also declares `request.session`.
      userId: (request as unknown as { session?: SessionContainer }).session?.getUserId(),
    }));
    break;
  }
  case "secure-session": {
    await app.register(secureSession, { key: Buffer.alloc(32, 7), cookie: { path: "/", httpOnly: true } });
    app.post("/login", async (request) => {
      (request as unknown as { session: { set(k: string, v: string): void } }).session.set("userId", "bench-user");
      return { ok: true };
    });
    app.get("/protected", async (request, reply) => {
      const userId = (request as unknown as { session: { get(k: string): string | undefined } }).session.get("userId");
      if (!userId) return reply.code(401).send({ message: "unauthorised" });
      return { ok: true, userId };
    });
    break;
  }
  default:
    throw new Error(`unknown server ${kind}`);
}

await app.listen({ port, host: "127.0.0.1" });
console.log(`listening on http://127.0.0.1:${port}`);
