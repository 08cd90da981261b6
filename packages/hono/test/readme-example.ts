import { init, MemoryStore } from "@latch/core";
import { createNewSession, middleware, onError, verifySession } from "@latch/hono";
import { Hono } from "hono";

init({ store: new MemoryStore(), appInfo: { apiDomain: "http://localhost:3000" } });

const app = new Hono();
app.use(middleware()); // Latch's routes, and its cookies added to your responses
app.onError(onError()); // Latch errors from your handlers answered with the protocol's status

app.post("/login", async (c) => {
  const { userId } = await c.req.json<{ userId: string }>(); // after checking credentials
  await createNewSession(c, "public", userId);
  return c.json({ ok: true });
});

app.get("/me", verifySession(), (c) => c.json({ userId: c.var.session.getUserId() }));

app.get("/optional", verifySession({ sessionRequired: false }), (c) => c.json({ userId: c.var.session?.getUserId() ?? null }));

export default app; // Bun, Deno, Workers: `export default app`; Node: serve(app) from @hono/node-server
