import {
  type BaseRequest,
  type BaseResponse,
  bindBaseObjects,
  boundBaseObjects,
  type GetSessionOptions,
  getLatch,
  type Latch,
  registerWrapperResolver,
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

// Binding costs a property per native object (and GC), which a request that only has its session
// checked never needs: the resolver below wraps and binds `ctx` when app code passes it to core
// (`ctx.req`/`ctx.res` are Node's own objects, which `@latch/core/node` wraps on demand).
type KoaLike = { app?: unknown; req?: unknown; res?: unknown; request?: unknown; response?: unknown; state?: unknown };
const isKoaContext = (native: KoaLike): native is Context =>
  typeof native.app === "object" &&
  native.app !== null &&
  typeof native.request === "object" &&
  typeof native.response === "object" &&
  typeof native.req === "object" &&
  typeof native.state === "object";

registerWrapperResolver({
  request: (native: KoaLike) => (isKoaContext(native) ? wrap(native).request : undefined),
  response: (native: KoaLike) => (isKoaContext(native) ? wrap(native).response : undefined),
});

/**
 * Serves Latch's routes (refresh, signout, JWKS) and answers Latch errors thrown further down the
 * chain (by `verifySession()` or by session calls in your routes) with the protocol's status and
 * body. Mount it first: `app.use(middleware())`.
 */
export function middleware(options: AdapterOptions = {}): Middleware {
  return async (ctx: Context, next: Next) => {
    const latch = options.latch ?? getLatch();
    const request = new KoaRequest(ctx);
    if (latch.matchRoute(request)) {
      await latch.handleRequest(request, new KoaResponse(ctx));
      return;
    }
    try {
      await next();
    } catch (error) {
      // Koa's idiom: errors travel up to an error-handling middleware; this is Latch's.
      if (!latch.handleError(error, request, new KoaResponse(ctx))) throw error;
    }
  };
}

/**
 * Verifies the session and puts it on `ctx.state.session`; Latch errors are thrown to `middleware()`.
 * A token verified before is answered without a promise (koa-compose turns a throw into a rejection).
 */
export function verifySession(options: GetSessionOptions & AdapterOptions = {}): Middleware {
  const { latch: instance, ...sessionOptions } = options;
  return (ctx: Context, next: Next) => {
    const latch = instance ?? getLatch();
    const result = latch.getSessionMaybeSync(new KoaRequest(ctx), new KoaResponse(ctx), sessionOptions);
    if (result instanceof Promise) {
      return result.then((session) => {
        if (session) ctx.state.session = session;
        return next();
      });
    }
    if (result) ctx.state.session = result;
    return next();
  };
}
