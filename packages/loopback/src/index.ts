import { getLatch, type Latch } from "@latch/core";
import { wrapNode } from "@latch/core/node";
import type { Middleware } from "@loopback/rest";

/** Which Latch instance to use; default: the one `init()` made. */
export interface AdapterOptions {
  latch?: Latch;
}

/**
 * A LoopBack middleware serving Latch's routes (refresh, signout, JWKS) and binding the
 * request/response so `createNewSession(request, response, ...)` works in controllers.
 * Register it with `app.middleware(latchMiddleware())`. LoopBack sits on Express, whose
 * objects are Node's, so the one Node bridge of core is reused.
 */
export function latchMiddleware(options: AdapterOptions = {}): Middleware {
  return async (context, next) => {
    const latch = options.latch ?? getLatch();
    const { request, response } = wrapNode(context.request, context.response);
    // Most requests are not for Latch's routes: pass them on.
    if (!latch.matchRoute(request)) return next();
    if (await latch.handleRequest(request, response)) return context.response;
    return next();
  };
}
