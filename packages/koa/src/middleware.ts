import {
  type BaseRequest,
  type BaseResponse,
  bindBaseObjects,
  boundBaseObjects,
  type GetSessionOptions,
  getLatch,
  type Latch,
  type SessionContainer,
} from "@latch/core";
import type { Context, Middleware, Next } from "koa";
import { KoaRequest } from "./request";
import { KoaResponse } from "./response";

declare module "koa" {
  interface DefaultState {
    /** The verified session, set by `verifySession()`. */
    session?: SessionContainer;
  }
}

/** Which Latch instance to use; default: the one `init()` made. */
export interface AdapterOptions {
  latch?: Latch;
}

/** Wraps `ctx` once per request and binds it, so `createNewSession(ctx, ctx, ...)` and `(ctx.req, ctx.res, ...)` both work. */
export function wrap(ctx: Context): { request: BaseRequest; response: BaseResponse } {
  const bound = boundBaseObjects(ctx, ctx);
  if (bound) return bound;
  const request = new KoaRequest(ctx);
  const response = new KoaResponse(ctx);
  bindBaseObjects(ctx, request, ctx, response);
  bindBaseObjects(ctx.req, request, ctx.res, response);
  return { request, response };
}

/**
 * Serves Latch's routes (refresh, signout, JWKS) and answers Latch errors thrown further down the
 * chain (by `verifySession()` or by session calls in your routes) with the protocol's status and
 * body. Mount it first: `app.use(middleware())`.
 */
export function middleware(options: AdapterOptions = {}): Middleware {
  return async (ctx: Context, next: Next) => {
    const latch = options.latch ?? getLatch();
    const { request, response } = wrap(ctx);
    if (latch.matchRoute(request)) {
      await latch.handleRequest(request, response);
      return;
    }
    try {
      await next();
    } catch (error) {
      // Koa's idiom: errors travel up to an error-handling middleware; this is Latch's.
      if (!latch.handleError(error, request, response)) throw error;
    }
  };
}

/** Verifies the session and puts it on `ctx.state.session`; Latch errors are thrown to `middleware()`. */
export function verifySession(options: GetSessionOptions & AdapterOptions = {}): Middleware {
  const { latch: instance, ...sessionOptions } = options;
  return async (ctx: Context, next: Next) => {
    const latch = instance ?? getLatch();
    const { request, response } = wrap(ctx);
    const session = await latch.getSession(request, response, sessionOptions);
    if (session) ctx.state.session = session;
    await next();
  };
}
