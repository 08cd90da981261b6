// The Koa 3 servers of the adapter scenario (@koa/router), selected by argv[2]: bare Koa, and Latch
// (@latch/koa's middleware() and verifySession() on the route, memory store). Both serve POST
// /login and GET /protected.
import Router from "@koa/router";
import { Latch, MemoryStore } from "@latch/core";
import { middleware, verifySession } from "@latch/koa";
import Koa from "koa";

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
const app = new Koa();
const router = new Router();

switch (kind) {
  case "bare":
    router.post("/login", (ctx) => {
      ctx.body = { ok: true };
    });
    router.get("/protected", (ctx) => {
      ctx.body = { ok: true };
    });
    break;
  case "latch": {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });
    app.use(middleware({ latch }));
    router.post("/login", async (ctx) => {
      await latch.createNewSession(ctx, ctx, "bench-user");
      ctx.body = { ok: true };
    });
    router.get("/protected", verifySession({ latch }), (ctx) => {
      ctx.body = { ok: true, userId: ctx.state.session?.getUserId() };
    });
    break;
  }
  default:
    throw new Error(`unknown server ${kind}`);
}

app.use(router.routes());
app.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
