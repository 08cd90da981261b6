import {
  bindBaseObjects,
  boundBaseObjects,
  ConfigError,
  type GetSessionOptions,
  getLatch,
  isLatchError,
  type JSONObject,
  type Latch,
  registerWrapperResolver,
  type SessionContainer,
} from "@latch/core";
import type { Context, Env, ErrorHandler, MiddlewareHandler } from "hono";
import { HonoRequest } from "./request";
import { HonoResponse } from "./response";

/** Which Latch instance to use; default: the one `init()` made. */
export interface AdapterOptions {
  latch?: Latch;
}

/** What `verifySession()` puts on the context: `c.var.session` (or `c.get("session")`). */
export interface SessionEnv<Session extends SessionContainer | undefined = SessionContainer> extends Env {
  Variables: { session: Session };
}

const WRAPPER_TYPES = { request: HonoRequest, response: HonoResponse };

/** The wrappers `middleware()` made for this request, so `latch.createNewSession(c, c, ...)` works too. */
export function wrap(c: Context): { request: HonoRequest; response: HonoResponse } {
  const bound = boundBaseObjects(c, c, WRAPPER_TYPES);
  if (bound) return bound;
  throw new ConfigError("Latch's Hono middleware has not run for this request: add app.use(middleware()) before your routes");
}

registerWrapperResolver({
  request: (native) => boundBaseObjects(native, native, WRAPPER_TYPES)?.request,
  response: (native) => boundBaseObjects(native, native, WRAPPER_TYPES)?.response,
});

/** The explicit instance, else the one `middleware()` serves this request with, else `init()`'s. */
function latchOf(c: Context, options: AdapterOptions): Latch {
  return options.latch ?? boundBaseObjects(c, c, WRAPPER_TYPES)?.response.latch ?? getLatch();
}

/**
 * Serves Latch's routes (refresh, signout, JWKS) and, once your handlers have run, adds the
 * cookies and headers Latch set (new tokens from a login or a payload change) to their response.
 * Mount it before your routes: `app.use(middleware())`; pair it with `app.onError(onError())`.
 */
export function middleware(options: AdapterOptions = {}): MiddlewareHandler {
  return async (c, next) => {
    const latch = options.latch ?? getLatch();
    const request = new HonoRequest(c);
    const response = new HonoResponse(c, latch);
    if (latch.matchRoute(request)) {
      await latch.handleRequest(request, response);
      return response.sendAnswer();
    }
    bindBaseObjects(c, request, c, response);
    await next();
    // A Latch error answered by onError() is already the response, headers included.
    if (response.modified && !response.answered) response.applyToContext();
  };
}

/**
 * Answers a Latch error with the protocol's status and body; undefined for any other error, and
 * for a request `middleware()` has not seen (an error thrown before it ran goes on as it is).
 */
function answerLatchError(c: Context, latch: Latch, error: unknown): Response | undefined {
  if (!isLatchError(error)) return undefined;
  const bound = boundBaseObjects(c, c, WRAPPER_TYPES);
  return bound && latch.handleError(error, bound.request, bound.response) ? bound.response.sendAnswer() : undefined;
}

/**
 * Verifies the session and puts it on `c.var.session`. Without a valid session Latch answers
 * itself (401 unauthorised or try refresh token, 403 invalid claim) and the handler does not run.
 */
export function verifySession(options?: GetSessionOptions & AdapterOptions & { sessionRequired?: true }): MiddlewareHandler<SessionEnv>;
export function verifySession(
  options: GetSessionOptions & AdapterOptions & { sessionRequired: false },
): MiddlewareHandler<SessionEnv<SessionContainer | undefined>>;
export function verifySession(
  options: GetSessionOptions & AdapterOptions = {},
): MiddlewareHandler<SessionEnv> | MiddlewareHandler<SessionEnv<SessionContainer | undefined>> {
  const { latch: instance, ...sessionOptions } = options;
  const handler: MiddlewareHandler<SessionEnv<SessionContainer | undefined>> = async (c, next) => {
    const latch = latchOf(c, { latch: instance });
    const { request, response } = wrap(c);
    let session: SessionContainer | undefined;
    try {
      // A token verified before is answered without a promise: no extra await on the hot path.
      const result = latch.getSessionMaybeSync(request, response, sessionOptions);
      session = result instanceof Promise ? await result : result;
    } catch (error) {
      const answer = answerLatchError(c, latch, error);
      if (answer) return answer;
      throw error;
    }
    c.set("session", session);
    await next();
  };
  return handler;
}

/**
 * For `app.onError(onError())`: Latch errors thrown by your handlers (a revoked session, a bad
 * `createNewSession` input) are answered with the protocol's status and body; any other error
 * goes to `otherwise`, by default answered as Hono would.
 */
export function onError(otherwise: ErrorHandler = honoDefaultErrorHandler, options: AdapterOptions = {}): ErrorHandler {
  return (error, c) => answerLatchError(c, latchOf(c, options), error) ?? otherwise(error, c);
}

/** Hono's own default (not exported by Hono): an HTTPException's response, else a logged 500. */
const honoDefaultErrorHandler: ErrorHandler = (error, c) => {
  if (hasOwnResponse(error)) return error.getResponse();
  console.error(error);
  return c.text("Internal Server Error", 500);
};

/** Hono's HTTPException and its look-alikes, recognised as Hono's default handler does. */
function hasOwnResponse(error: Error): error is Error & { getResponse(): Response } {
  return "getResponse" in error && typeof error.getResponse === "function";
}

/**
 * Creates a session for `userId` and sends its tokens on this request's response (cookies, or
 * headers when the client asked with `st-auth-mode: header`).
 */
export function createNewSession(
  c: Context,
  tenantId: string,
  userId: string,
  accessTokenPayload?: JSONObject,
  sessionDataInDatabase?: JSONObject,
): Promise<SessionContainer> {
  const { request, response } = wrap(c);
  return response.latch.createNewSession(request, response, tenantId, userId, accessTokenPayload, sessionDataInDatabase);
}
