import { Latch } from "@latch/core";
import type { Hono } from "hono";
import { createApp } from "./app";
import { memoryStoreConfig } from "./settings";

// A Cloudflare Worker (module syntax). Its variables (LATCH_*) arrive with each request, so the
// app is made on the first one and kept for the isolate's life, sessions in its memory.
let app: Promise<Hono> | undefined;

export default {
  fetch(request: Request, env: Record<string, string | undefined>): Promise<Response> {
    app ??= memoryStoreConfig("workerd", env).then((config) => createApp(new Latch(config)));
    return app.then((ready) => ready.fetch(request, env));
  },
};
