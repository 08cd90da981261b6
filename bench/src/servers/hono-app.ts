// The Hono app of the HTTP scenarios, selected by argv[2]: bare Hono, bare Hono with two
// do-nothing middlewares (the layers a session library adds), and Latch (@latch/hono on the memory
// store). Each serves POST /login and GET /protected. hono-servers.ts serves it on Node
// (@hono/node-server), hono-bun-servers.ts on Bun.
import { Latch, MemoryStore } from "@latch/core";
import { createNewSession, middleware, verifySession } from "@latch/hono";
import { Hono } from "hono";

export const kind = process.argv[2] ?? "bare";
export const port = Number(process.env.PORT ?? 4000);
export const app = new Hono();

switch (kind) {
  case "bare":
    app.post("/login", (c) => c.json({ ok: true }));
    app.get("/protected", (c) => c.json({ ok: true }));
    break;
  case "bare-with-two-noop-middlewares":
    app.use((_c, next) => next());
    app.post("/login", (c) => c.json({ ok: true }));
    app.get(
      "/protected",
      (_c, next) => next(),
      (c) => c.json({ ok: true }),
    );
    break;
  case "latch": {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });
    app.use(middleware({ latch }));
    app.post("/login", async (c) => {
      await createNewSession(c, "public", "bench-user");
      return c.json({ ok: true });
    });
    app.get("/protected", verifySession({ latch }), (c) => c.json({ ok: true, userId: c.var.session.getUserId() }));
    break;
  }
  default:
    throw new Error(`unknown kind ${kind}`);
}
