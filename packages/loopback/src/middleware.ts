import { getLatch, type Latch } from "@latch/core";
import { inject, injectable, type Provider } from "@loopback/core";
import { asMiddleware, type Middleware, RestMiddlewareGroups } from "@loopback/rest";
import { LatchBindings } from "./keys";
import { wrap } from "./wrap";

/** Which Latch instance to use; default: the one `init()` made. */
export interface AdapterOptions {
  latch?: Latch;
}

/**
 * A LoopBack middleware that serves Latch's routes (refresh, signout, JWKS), binds each request so
 * `createNewSession(request, response, ...)` works in controllers, and answers Latch errors thrown
 * further down the chain (authentication, controllers) with the protocol's status and body: they
 * never reach LoopBack's `reject`, whose `{"error": ...}` bodies the SDKs do not understand.
 */
export function latchMiddleware(options: AdapterOptions = {}): Middleware {
  return async (context, next) => {
    const latch = options.latch ?? getLatch();
    const { request, response } = wrap(context.request, context.response);
    if (latch.matchRoute(request)) {
      await latch.handleRequest(request, response);
      // Returning the response tells LoopBack's `sendResponse` that it is written already.
      return context.response;
    }
    try {
      return await next();
    } catch (error) {
      if (latch.handleError(error, request, response)) return context.response;
      throw error;
    }
  };
}

/**
 * `latchMiddleware()` as the component registers it: after CORS (so Latch's answers carry CORS
 * headers) and before route lookup (Latch's routes are not controller routes).
 */
@injectable(asMiddleware({ group: "latch", upstreamGroups: RestMiddlewareGroups.CORS, downstreamGroups: RestMiddlewareGroups.FIND_ROUTE }))
export class LatchMiddlewareProvider implements Provider<Middleware> {
  constructor(@inject(LatchBindings.INSTANCE) private readonly latch: Latch) {}

  value(): Middleware {
    return latchMiddleware({ latch: this.latch });
  }
}
