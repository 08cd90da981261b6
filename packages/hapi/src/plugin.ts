import type { Lifecycle, Plugin, Request, ResponseToolkit, Server, ServerAuthSchemeObject } from "@hapi/hapi";
import {
  bindBaseObjects,
  boundBaseObjects,
  type GetSessionOptions,
  getLatch,
  isLatchError,
  type Latch,
  registerWrapperResolver,
  type SessionContainer,
  type UnauthorisedError,
} from "@latch/core";
import { HapiRequest } from "./request";
import { HapiResponse } from "./response";

declare module "@hapi/hapi" {
  interface RequestApplicationState {
    /** The verified session, set by the "latch" auth scheme. */
    session?: SessionContainer;
  }
  interface AuthCredentials {
    session?: SessionContainer;
  }
}

export interface LatchHapiOptions {
  /** Which Latch instance to use; default: the one `init()` made. */
  latch?: Latch;
}

/** Options of a strategy made with the "latch" scheme: `server.auth.strategy("admin", "latch", { ... })`. */
export type LatchSchemeOptions = Omit<GetSessionOptions, "sessionRequired">;

/** Wraps the request once and binds it; hapi's toolkit `h` resolves to the same response wrapper. */
export function wrap(request: Request): { request: HapiRequest; response: HapiResponse } {
  const bound = boundBaseObjects(request, request, { request: HapiRequest, response: HapiResponse });
  if (bound) return bound;
  const wrapped = { request: new HapiRequest(request), response: new HapiResponse() };
  bindBaseObjects(request, wrapped.request, request, wrapped.response);
  bindBaseObjects(request.raw.req, wrapped.request, request.raw.res, wrapped.response);
  return wrapped;
}

// `createNewSession(request, h, ...)`: hapi makes a new toolkit for every step, so it cannot be
// bound ahead of time; it is resolved through the request it belongs to.
registerWrapperResolver({
  response(native) {
    const toolkit = native as Partial<ResponseToolkit>;
    if (typeof toolkit.response !== "function" || typeof toolkit.request !== "object" || toolkit.request === null) return undefined;
    return boundBaseObjects(toolkit.request, toolkit.request)?.response;
  },
});

/**
 * The Latch error a response carries: one a handler threw, one the auth scheme attached, or, when
 * hapi replaced a "missing" auth error with its own 401, the one the scheme recorded for the request.
 */
function latchErrorOf(request: Request): unknown {
  const response = request.response as unknown;
  if (isLatchError(response)) return response;
  const boom = response as { isBoom?: boolean; data?: unknown; output?: { statusCode?: number } } | null;
  if (isLatchError(boom?.data)) return boom.data;
  return boom?.isBoom && boom.output?.statusCode === 401 ? authErrors.get(request) : undefined;
}

const authErrors = new WeakMap<Request, unknown>();

async function register(server: Server, options: LatchHapiOptions): Promise<void> {
  // Boom is loaded when the plugin registers, not when the adapter is imported: hapi has it loaded
  // by then anyway, and an app's cold start (or a script that only imports types) does not pay for it.
  const boomModule = await import("@hapi/boom");
  const unauthorized = boomModule.unauthorized ?? boomModule.default.unauthorized;
  const latchOf = () => options.latch ?? getLatch();

  // hapi parses cookies itself: tell it Latch's, so a value it finds odd never fails the request
  // (Latch reads the raw header and judges the tokens itself).
  for (const name of ["sAccessToken", "sRefreshToken", "sIdRefreshToken"]) {
    server.state(name, { strictHeader: false, ignoreErrors: true, clearInvalid: false, encoding: "none" });
  }

  server.ext("onRequest", (request, h) => {
    wrap(request);
    return h.continue;
  });

  // Latch's routes: refresh, signout and the JWKS.
  const serve: Lifecycle.Method = async (request, h) => {
    const { request: req, response: res } = wrap(request);
    await latchOf().handleRequest(req, res);
    return res.toResponse(h);
  };
  const config = latchOf().config;
  const routeOptions = { auth: false as const, state: { parse: false, failAction: "ignore" as const } };
  // Latch's routes read no body: an odd payload must not become hapi's 400 before Latch answers.
  const postOptions = { ...routeOptions, payload: { parse: false, output: "data" as const } };
  server.route({ method: "POST", path: config.refreshPath, handler: serve, options: postOptions });
  server.route({ method: "POST", path: config.signOutPath, handler: serve, options: postOptions });
  server.route({ method: "GET", path: config.jwksPath, handler: serve, options: routeOptions });
  if (config.serveWellKnownJwks) server.route({ method: "GET", path: "/.well-known/jwks.json", handler: serve, options: routeOptions });

  // The "latch" scheme, and a strategy of the same name with the default options.
  server.auth.scheme("latch", (_server, schemeOptions): ServerAuthSchemeObject => {
    const sessionOptions = (schemeOptions ?? {}) as LatchSchemeOptions;
    return {
      async authenticate(request, h) {
        const { request: req, response: res } = wrap(request);
        try {
          const session = await latchOf().getSession(req, res, sessionOptions);
          request.app.session = session;
          return h.authenticated({ credentials: { session } });
        } catch (error) {
          if (!isLatchError(error)) throw error;
          // No token at all is "missing" to hapi, so `mode: "optional"` and "try" routes go on without a session.
          const missing = error.code === "UNAUTHORISED" && !(error as UnauthorisedError).clearTokens;
          const boom = missing ? unauthorized(null, "latch") : unauthorized(error.message, "latch");
          boom.data = error;
          authErrors.set(request, error);
          return h.unauthenticated(boom);
        }
      },
    };
  });
  server.auth.strategy("latch", "latch");

  // Latch errors (from auth or thrown by a handler) get the protocol's status and body, and every
  // response gets the tokens and headers Latch recorded during the request.
  server.ext("onPreResponse", (request, h) => {
    const { request: req, response: res } = wrap(request);
    const latchError = latchErrorOf(request);
    if (latchError && latchOf().handleError(latchError, req, res)) return res.toResponse(h);
    if (request.response) res.applyTo(request.response);
    return h.continue;
  });
}

/** The Latch plugin: `await server.register({ plugin: latchPlugin, options: { latch } })`. */
export const latchPlugin: Plugin<LatchHapiOptions> = {
  name: "@latch/hapi",
  register,
};
