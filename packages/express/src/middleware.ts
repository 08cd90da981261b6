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
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { ExpressRequest } from "./request";
import { ExpressResponse } from "./response";

// Only `latchSession` is declared on every Request: declaring `session` too would clash with
// express-session's `session` (TypeScript requires one type per property across declarations).
declare global {
  namespace Express {
    interface Request {
      /** The verified session, set by `verifySession()` (also on `req.session` when nothing else owns it). */
      latchSession?: SessionContainer;
    }
  }
}

/**
 * The request type to annotate handlers with, as SuperTokens users do:
 * `app.get("/me", verifySession(), (req: SessionRequest, res) => …)`. Every Express request is
 * assignable to it (the session is optional in the type), which is what lets that annotation
 * compile under `strict`; after a required `verifySession()` the session is always there.
 */
export type SessionRequest = Request & { session?: SessionContainer; latchSession?: SessionContainer };

/**
 * A request after a required `verifySession()`, for a cast: `(req as VerifiedSessionRequest).latchSession`
 * (and `.session`, its alias, unless express-session or another middleware owns `req.session`).
 */
export type VerifiedSessionRequest = Request & { session: SessionContainer; latchSession: SessionContainer };

/** Which Latch instance to use; default: the one `init()` made. */
export interface AdapterOptions {
  latch?: Latch;
}

/** Wraps the native objects once per request and binds them, so core's functions accept Express's `req`/`res`. */
export function wrap(req: Request, res: Response): { request: BaseRequest; response: BaseResponse } {
  const bound = boundBaseObjects(req, res);
  if (bound) return bound;
  const request = new ExpressRequest(req);
  const response = new ExpressResponse(res);
  bindBaseObjects(req, request, res, response);
  return { request, response };
}

/**
 * New, unbound wrappers for the middleware's own use. Binding adds a property to each native
 * object (about 1.5 µs each, plus GC), which a request that only has its session checked never
 * needs; when app code passes Express's `req`/`res` to core, `@latch/core/node` wraps them on
 * demand. Wrappers hold no state of their own but caches, so two of one request agree.
 */
function wrappers(req: Request, res: Response): { request: BaseRequest; response: BaseResponse } {
  return { request: new ExpressRequest(req), response: new ExpressResponse(res) };
}

/**
 * Serves Latch's routes (refresh, signout, JWKS). Mount it before your routes: `app.use(middleware())`.
 * (Passing Express's `req`/`res` to core needs no middleware: `@latch/core/node` wraps them.)
 */
export function middleware(options: AdapterOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const latch = options.latch ?? getLatch();
    const { request, response } = wrappers(req, res);
    // Most requests are not for Latch's routes: pass them on at once, without a promise.
    if (!latch.matchRoute(request)) return next();
    latch.handleRequest(request, response).then(
      (handled) => {
        if (!handled) next();
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * Verifies the session and puts it on `req.latchSession` and `req.session` (the alias, when free); Latch errors go to `next(err)`, where
 * `errorHandler()` answers them. Works with Express 4 (no promise support needed) and 5.
 */
export function verifySession(options: GetSessionOptions & AdapterOptions = {}): RequestHandler {
  const { latch: instance, ...sessionOptions } = options;
  return (req: Request, res: Response, next: NextFunction) => {
    const latch = instance ?? getLatch();
    const { request, response } = wrappers(req, res);
    let result: SessionContainer | undefined | Promise<SessionContainer | undefined>;
    try {
      result = latch.getSessionMaybeSync(request, response, sessionOptions);
    } catch (error) {
      return next(error);
    }
    // A token verified before needs no promise: the route runs in this tick.
    if (result instanceof Promise) result.then((session) => attach(req, session, next), next);
    else attach(req, result, next);
  };
}

function attach(req: Request, session: SessionContainer | undefined, next: NextFunction): void {
  if (session) {
    req.latchSession = session;
    // The alias, unless express-session (or another middleware) put its own object there.
    const native = req as { session?: unknown };
    if (native.session === undefined) native.session = session;
  }
  next();
}

/**
 * Answers Latch errors with the protocol's status and body (401, 403, 503, 400...); passes
 * anything else on. Mount it after your routes: `app.use(errorHandler())`.
 */
export function errorHandler(options: AdapterOptions = {}): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    const latch = options.latch ?? getLatch();
    if (res.headersSent) return next(error);
    const { request, response } = wrappers(req, res);
    if (!latch.handleError(error, request, response)) next(error);
  };
}
