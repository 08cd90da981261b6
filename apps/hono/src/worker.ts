import { Latch } from "@latch/core";
import { storeFromUrl } from "@latch/d1";
import type { Hono } from "hono";
import { createApp } from "./app";
import { edgeConfig } from "./settings";

// A Cloudflare Worker (module syntax). Its variables (LATCH_*) and bindings arrive with each
// request, so the app is made on the first one and kept for the isolate's life. The store is the
// isolate's memory, or D1 with LATCH_STORE=d1:<BINDING> (scripts/workerd.mjs binds d1:DB locally).
let app: Promise<Hono> | undefined;

export default {
  fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    app ??= edgeConfig("workerd", variables(env), { d1: (url) => storeFromUrl(url, env) }).then((config) => createApp(new Latch(config)));
    return app.then((ready) => ready.fetch(request, env));
  },
};

/** The Worker's text variables (LATCH_*), without its bindings (D1 and other objects). */
function variables(env: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
