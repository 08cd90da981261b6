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
// checked never needs: the middleware leaves one link, ctx.req -> ctx (Koa has none that way), and
// the resolver below wraps and binds when app code hands `ctx`, or `ctx.req`/`ctx.res`, to core.
const CONTEXT_KEY = Symbol.for("latch.koa.context");
type LinkedRequest = { [CONTEXT_KEY]?: Context };

function link(ctx: Context): void {
  const req = ctx.req as LinkedRequest;
  if (req[CONTEXT_KEY] !== ctx) req[CONTEXT_KEY] = ctx;
}

type KoaLike = { app?: unknown; req?: unknown; res?: unknown; request?: unknown; response?: unknown; state?: unknown };
const isKoaContext = (native: KoaLike): native is Context =>
  typeof native.app === "object" &&
  native.app !== null &&
  typeof native.request === "object" &&
  typeof native.response === "object" &&
  typeof native.req === "object" &&
  typeof native.state === "object";

/** The Koa context of `ctx` itself, of its `ctx.req`, or of its `ctx.res` (Node links a response to its request). */
function contextOf(native: KoaLike): Context | undefined {
  if (isKoaContext(native)) return native;
  const req = (typeof native.req === "object" && native.req !== null ? native.req : native) as LinkedRequest;
  return req[CONTEXT_KEY];
}

registerWrapperResolver({
  request: (native: KoaLike) => {
    const ctx = contextOf(native);
    return ctx && wrap(ctx).request;
  },
  response: (native: KoaLike) => {
    const ctx = contextOf(native);
    return ctx && wrap(ctx).response;
  },
});

/**
 * Serves Latch's routes (refresh, signout, JWKS) and answers Latch errors thrown further down the
 * chain (by `verifySession()` or by session calls in your routes) with the protocol's status and
 * body. Mount it first: `app.use(middleware())`.
 */
export function middleware(options: AdapterOptions = {}): Middleware {
  return async (ctx: Context, next: Next) => {
    const latch = options.latch ?? getLatch();
    link(ctx);
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
    link(ctx);
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
