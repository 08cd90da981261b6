import type { GetSessionOptions, SessionContainer } from "@latch/core";
import { type AdapterOptions, resolveLatch, wrap } from "./request";

/** An App Router route handler: `(request, { params })` to a `Response`. */
export type RouteHandler<R extends Request = Request, C = unknown> = (req: R, context: C) => Response | Promise<Response>;

/**
 * Wraps a route handler so it can call `latch.createNewSession(req, req, ...)` (and anything else
 * that sets tokens): the cookies and headers Latch sets are added to the `Response` the handler
 * returns, and Latch errors it throws are answered with the protocol's status and body.
 */
export function withLatch<R extends Request, C>(handler: RouteHandler<R, C>, options: AdapterOptions = {}): RouteHandler<R, C> {
  return async (req, context) => {
    const { request, response } = wrap(req);
    try {
      return response.applyTo(await handler(req, context));
    } catch (error) {
      const latch = await resolveLatch(options);
      if (latch.handleError(error, request, response)) return response.toResponse();
      throw error;
    }
  };
}

/** A protected handler: gets the verified session (undefined only with `sessionRequired: false`). */
export type SessionRouteHandler<R extends Request, C, S extends SessionContainer | undefined> = (
  req: R,
  session: S,
  context: C,
) => Response | Promise<Response>;

/** `withSession(handler)`: runs `handler` with the verified session, or Latch answers (401, 403, 503...). */
export function withSession<R extends Request = Request, C = unknown>(
  handler: SessionRouteHandler<R, C, SessionContainer>,
  options?: GetSessionOptions & AdapterOptions & { sessionRequired?: true },
): RouteHandler<R, C>;
export function withSession<R extends Request = Request, C = unknown>(
  handler: SessionRouteHandler<R, C, SessionContainer | undefined>,
  options: GetSessionOptions & AdapterOptions & { sessionRequired: false },
): RouteHandler<R, C>;
export function withSession<R extends Request, C>(
  handler: SessionRouteHandler<R, C, SessionContainer> | SessionRouteHandler<R, C, SessionContainer | undefined>,
  options: GetSessionOptions & AdapterOptions = {},
): RouteHandler<R, C> {
  // getSession returns a session whenever sessionRequired is not false, which the overloads encode.
  const run = handler as SessionRouteHandler<R, C, SessionContainer | undefined>;
  const { latch: _instance, ...sessionOptions } = options;
  return withLatch<R, C>(async (req, context) => {
    const latch = await resolveLatch(options);
    const { request, response } = wrap(req);
    const session = await latch.getSession(request, response, sessionOptions);
    return run(req, session, context);
  }, options);
}

/**
 * Latch's routes (refresh, signout, JWKS) for one catch-all route file,
 * `app/auth/[...path]/route.ts`: `export const { GET, POST } = authRoutes({ latch });`
 */
export function authRoutes(options: AdapterOptions = {}): { GET: RouteHandler; POST: RouteHandler } {
  const handle: RouteHandler = async (req) => {
    const latch = await resolveLatch(options);
    const { request, response } = wrap(req);
    if (!(await latch.handleRequest(request, response))) {
      return Response.json({ message: "not found" }, { status: 404 });
    }
    return response.toResponse();
  };
  return { GET: handle, POST: handle };
}
