// The hapi 21 servers of the adapter scenario, selected by argv[2]: bare hapi, and Latch
// (@latch/hapi's plugin and its `latch` auth strategy, memory store). Both serve POST /login and
// GET /protected with the same server options, so only Latch differs.
import Hapi from "@hapi/hapi";
import { Latch, MemoryStore } from "@latch/core";
import { latchPlugin } from "@latch/hapi";

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
// Latch's README asks for failAction "ignore" (a Cookie header hapi cannot parse must reach Latch); bare gets the same.
const server = Hapi.server({ port, host: "127.0.0.1", routes: { state: { parse: true, failAction: "ignore" } } });

switch (kind) {
  case "bare":
    server.route({ method: "POST", path: "/login", handler: () => ({ ok: true }) });
    server.route({ method: "GET", path: "/protected", handler: () => ({ ok: true }) });
    break;
  case "latch": {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } });
    await server.register({ plugin: latchPlugin, options: { latch } });
    server.route({
      method: "POST",
      path: "/login",
      handler: async (request, h) => {
        await latch.createNewSession(request, h, "bench-user");
        return { ok: true };
      },
    });
    server.route({
      method: "GET",
      path: "/protected",
      options: { auth: "latch" },
      handler: (request) => ({ ok: true, userId: request.app.session?.getUserId() }),
    });
    break;
  }
  default:
    throw new Error(`unknown server ${kind}`);
}

await server.start();
console.log(`listening on http://127.0.0.1:${port}`);
