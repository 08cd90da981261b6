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
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import fp from "fastify-plugin";
import { FastifyRequestWrapper } from "./request";
import { FastifyResponseWrapper } from "./response";

// Only `latchSession` is declared on every request: declaring `session` too would clash with
// @fastify/session's and @fastify/secure-session's `session` (one type per property across
// declarations, TS2717). `request.session` is still set as an alias when no other plugin owns it.
declare module "fastify" {
  interface FastifyRequest {
    /** The verified session, set by `verifySession()`. */
    latchSession?: SessionContainer;
  }
}

/**
 * The request type to annotate route handlers with, as SuperTokens users do:
 * `async (request: SessionRequest) => …`. Every Fastify request is assignable to it (the session is
 * optional in the type); after a required `verifySession()` it is always there.
 */
export type SessionRequest = FastifyRequest & { session?: SessionContainer; latchSession?: SessionContainer };

/** A request after a required `verifySession()`, for a cast: `(request as VerifiedSessionRequest).latchSession`. */
export type VerifiedSessionRequest = FastifyRequest & { latchSession: SessionContainer };

export interface LatchPluginOptions {
  /** Which Latch instance to use; default: the one `init()` made. */
  latch?: Latch;
  /**
   * Answer Latch errors thrown in route handlers (e.g. by session calls) with the protocol's
   * status and body, passing every other error to the error handler that was set before. Default true.
   */
  handleErrors?: boolean;
}

type Wrapped = { request: BaseRequest; response: FastifyResponseWrapper };

/**
 * Where the plugin keeps a request's wrappers: a request decorator, which Fastify initialises in
 * its request constructor (so no request changes shape). Core's WeakMap binding would also work,
 * but a WeakMap entry per request costs a few µs of garbage-collector work on every request.
 */
const WRAPPERS = Symbol.for("latch.fastify.wrappers");
/** Set (as a request decorator) when Latch decorated `request.session` itself, so it may write the alias there. */
const SESSION_ALIAS = Symbol.for("latch.fastify.sessionAlias");
/** Typed as a plain string: with @fastify/session installed, `"session"` would demand its decorator's type. */
const SESSION: string = "session";
/** The request as Latch writes it: `session` is Latch's alias only where SESSION_ALIAS says Latch decorated it. */
type AliasSlots = { [SESSION_ALIAS]?: boolean; session?: SessionContainer };
type WithWrappers = { [WRAPPERS]?: Wrapped | null };

// Core finds the wrappers in the decorator slot when app code passes Fastify's request or reply.
registerWrapperResolver({
  request: (native) => (native as WithWrappers)[WRAPPERS]?.request,
  response: (native) => {
    const wrapped = (native as { request?: WithWrappers }).request?.[WRAPPERS];
    return wrapped?.response.reply === native ? wrapped.response : undefined;
  },
});

/** Wraps once per request and binds, so `createNewSession(request, reply, ...)` works in any route. */
export function wrap(request: FastifyRequest, reply: FastifyReply): { request: BaseRequest; response: BaseResponse } {
  const slot = request as unknown as WithWrappers;
  const cached = slot[WRAPPERS];
  if (cached) return cached;
  const bound = boundBaseObjects(request, reply);
  if (bound) return bound;
  const wrapped = { request: new FastifyRequestWrapper(request), response: new FastifyResponseWrapper(reply) };
  // Requests of an app that registered the plugin have the slot; any other goes through core's binding.
  if (WRAPPERS in request) slot[WRAPPERS] = wrapped;
  else bindBaseObjects(request, wrapped.request, reply, wrapped.response);
  return wrapped;
}

async function registerLatch(fastify: FastifyInstance, options: LatchPluginOptions): Promise<void> {
  const latchOf = () => options.latch ?? getLatch();
  // Decorators, so no request changes shape when a session is attached. `session` only when no
  // other plugin has it (register @fastify/session before Latch: Fastify refuses a second decorator).
  if (!fastify.hasRequestDecorator("latchSession")) fastify.decorateRequest("latchSession", undefined);
  if (!fastify.hasRequestDecorator(SESSION)) {
    fastify.decorateRequest(SESSION, undefined);
    fastify.decorateRequest(SESSION_ALIAS, true);
  }
  if (!fastify.hasRequestDecorator(WRAPPERS)) fastify.decorateRequest(WRAPPERS, null);
  // Bind every request, so app code can call createNewSession(request, reply, ...) in any route, and
  // serve Latch's routes (refresh, signout, JWKS) here, before Fastify parses a body: core matches
  // them exactly as on every other framework (a trailing slash too), and a client's empty or odd
  // JSON body never turns into Fastify's 400 (Latch's routes read no body).
  fastify.addHook("onRequest", (request, reply, done) => {
    const latch = latchOf();
    const wrapped = wrap(request, reply);
    // Most requests are not for Latch's routes: pass them on at once, without a promise.
    if (!latch.matchRoute(wrapped.request)) return done();
    // handleRequest has sent the reply: not calling done() ends Fastify's hook chain (Fastify's
    // idiom for a callback hook that answers); anything it throws goes to the error handler.
    latch.handleRequest(wrapped.request, wrapped.response).then(
      () => undefined,
      (error: Error) => done(error),
    );
  });

  if (options.handleErrors !== false) {
    const previous = fastify.errorHandler;
    fastify.setErrorHandler(function latchErrorHandler(this: FastifyInstance, error: FastifyError, request, reply) {
      const wrapped = wrap(request, reply);
      if (latchOf().handleError(error, wrapped.request, wrapped.response)) return reply;
      return previous.call(this, error, request, reply);
    });
  }
}

/**
 * The Latch plugin: `fastify.register(latchPlugin, { latch: instance })`. Serves Latch's routes,
 * `request.latchSession` (and `request.session` when no other plugin owns it), and answers Latch errors
 * with the protocol's statuses and bodies.
 */
export const latchPlugin = fp(registerLatch, { fastify: "5.x", name: "@latch/fastify" });

/**
 * A preHandler that verifies the session and sets `request.latchSession` (and `request.session`,
 * its alias, unless @fastify/session or another plugin owns it). A Latch error is answered on
 * the reply (401, 403, 503...) and the route does not run.
 */
export function verifySession(options: GetSessionOptions & { latch?: Latch } = {}): preHandlerHookHandler {
  const { latch: instance, ...sessionOptions } = options;
  // A callback hook, not an async one: a token verified before is answered without a promise.
  return function verifyLatchSession(request, reply, done) {
    const latch = instance ?? getLatch();
    const wrapped = wrap(request, reply);
    const attach = (session: SessionContainer | undefined) => {
      if (session) {
        request.latchSession = session;
        const slots = request as unknown as AliasSlots;
        if (slots[SESSION_ALIAS]) slots.session = session;
      }
      done();
    };
    // An answered Latch error ends the request here: the route does not run, done() is not called.
    const fail = (error: unknown) => {
      if (!latch.handleError(error, wrapped.request, wrapped.response)) done(error as Error);
    };
    let result: SessionContainer | undefined | Promise<SessionContainer | undefined>;
    try {
      result = latch.getSessionMaybeSync(wrapped.request, wrapped.response, sessionOptions);
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) result.then(attach, fail);
    else attach(result);
  };
}
