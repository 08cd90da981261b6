import { type GetSessionOptions, getLatch } from "@latch/core";
import type { LambdaContext, LambdaHttpEvent, LambdaResult } from "./events";
import { type AdapterOptions, type SessionEvent, wrap } from "./handler";

/** The part of middy's request object Latch uses (middy passes it to every middleware step). */
export interface MiddyRequest {
  event: LambdaHttpEvent;
  context: LambdaContext;
  response?: unknown;
  error?: unknown;
}

export interface LatchMiddyOptions extends AdapterOptions {
  /** Also verify the session before the handler (the options are core's GetSessionOptions). */
  verifySession?: GetSessionOptions | boolean;
}

/**
 * The same behaviour as `middleware()` (and `verifySession()`), as a middy middleware:
 * `middy(handler).use(latchMiddy({ verifySession: true }))`. A `before` that returns a value ends
 * the invocation with it, as middy documents.
 */
export function latchMiddy(options: LatchMiddyOptions = {}) {
  const latchOf = () => options.latch ?? getLatch();
  return {
    async before(request: MiddyRequest): Promise<LambdaResult | undefined> {
      const latch = latchOf();
      const { request: req, response: res } = wrap(request.event, request.context);
      if (latch.matchRoute(req)) {
        await latch.handleRequest(req, res);
        return res.toResult();
      }
      if (options.verifySession) {
        const sessionOptions = options.verifySession === true ? {} : options.verifySession;
        try {
          const session = await latch.getSession(req, res, sessionOptions);
          if (session) (request.event as SessionEvent).session = session;
        } catch (error) {
          if (latch.handleError(error, req, res)) return res.toResult();
          throw error;
        }
      }
      return undefined;
    },
    async after(request: MiddyRequest): Promise<void> {
      request.response = wrap(request.event, request.context).response.mergeInto(request.response);
    },
    async onError(request: MiddyRequest): Promise<LambdaResult | undefined> {
      const { request: req, response: res } = wrap(request.event, request.context);
      if (!latchOf().handleError(request.error, req, res)) return undefined;
      request.response = res.toResult();
      return request.response as LambdaResult;
    },
  };
}
