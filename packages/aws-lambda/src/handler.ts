import {
  BaseRequest,
  bindBaseObjects,
  boundBaseObjects,
  type GetSessionOptions,
  getLatch,
  type Latch,
  type SessionContainer,
} from "@latch/core";
import { type ApiGatewayV1Event, eventKind, type LambdaContext, type LambdaHttpEvent, type LambdaResult } from "./events";
import { LambdaRequest } from "./request";
import { LambdaResponse } from "./response";

/** An event after `verifySession`: the session is on `event.session`. */
export type SessionEvent<E extends LambdaHttpEvent = LambdaHttpEvent> = E & { session?: SessionContainer };

export type LambdaHandler<E extends LambdaHttpEvent = LambdaHttpEvent, R = LambdaResult | unknown> = (
  event: E,
  context: LambdaContext,
) => Promise<R> | R;

export interface AdapterOptions {
  /** Which Latch instance to use; default: the one `init()` made. */
  latch?: Latch;
}

/**
 * Wraps the event once per invocation. The event is bound as both request and response, so
 * `createNewSession(event, event, ...)` works in a handler (the context works as the response too).
 */
export function wrap(event: LambdaHttpEvent, context?: LambdaContext): { request: BaseRequest; response: LambdaResponse } {
  const bound = boundBaseObjects(event, event, { request: BaseRequest, response: LambdaResponse });
  if (bound) return bound;
  const kind = eventKind(event);
  const request = new LambdaRequest(event);
  const response = new LambdaResponse(kind, kind === "v1" || (kind === "alb" && Boolean((event as ApiGatewayV1Event).multiValueHeaders)));
  bindBaseObjects(event, request, event, response);
  if (context) bindBaseObjects(context, request, context, response);
  return { request, response };
}

/**
 * Wraps a handler: serves Latch's routes (refresh, signout, JWKS), adds the cookies and headers
 * Latch set during the invocation to the handler's result, and answers Latch errors the handler
 * throws with the protocol's status and body.
 */
export function middleware<E extends LambdaHttpEvent>(
  handler: LambdaHandler<E>,
  options: AdapterOptions = {},
): LambdaHandler<E, LambdaResult> {
  return async (event, context) => {
    const latch = options.latch ?? getLatch();
    const { request, response } = wrap(event, context);
    if (latch.matchRoute(request)) {
      await latch.handleRequest(request, response);
      return response.toResult();
    }
    try {
      return response.mergeInto(await handler(event, context));
    } catch (error) {
      if (latch.handleError(error, request, response)) return response.toResult();
      throw error;
    }
  };
}

/** Wraps a handler that needs a session: it runs with `event.session` set, or Latch answers (401, 403, 503...). */
export function verifySession<E extends LambdaHttpEvent>(
  handler: LambdaHandler<SessionEvent<E>>,
  options: GetSessionOptions & AdapterOptions = {},
): LambdaHandler<E, LambdaResult> {
  const { latch: instance, ...sessionOptions } = options;
  return middleware<E>(async (event, context) => {
    const latch = instance ?? getLatch();
    const { request, response } = wrap(event, context);
    const session = await latch.getSession(request, response, sessionOptions);
    const withSession = event as SessionEvent<E>;
    if (session) withSession.session = session;
    return handler(withSession, context);
  }, options);
}
