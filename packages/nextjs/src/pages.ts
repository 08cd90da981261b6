// @latch/nextjs/pages: the pages router's API routes (pages/api/*), which get Node's request and
// response objects: they go through core's one Node bridge.
import type { GetSessionOptions, SessionContainer } from "@latch/core";
import { wrapNode } from "@latch/core/node";
import type { NextApiRequest, NextApiResponse } from "next";
import { type AdapterOptions, resolveLatch } from "./request";

export type { AdapterOptions } from "./request";

/** A pages router API request after `withSessionApi`: the session is on `req.session`. */
export type SessionApiRequest = NextApiRequest & { session: SessionContainer };

export type ApiHandler<Q extends NextApiRequest = NextApiRequest> = (req: Q, res: NextApiResponse) => unknown | Promise<unknown>;

/**
 * Wraps a `pages/api` handler: serves Latch's routes when the request is for one (mount it in
 * `pages/api/auth/[...path].ts`), lets the handler call `latch.createNewSession(req, res, ...)`,
 * and answers Latch errors it throws with the protocol's status and body.
 */
export function withLatchApi<Q extends NextApiRequest>(handler: ApiHandler<Q>, options: AdapterOptions = {}): ApiHandler<Q> {
  return async (req, res) => {
    const latch = await resolveLatch(options);
    const { request, response } = wrapNode(req, res);
    try {
      if (latch.matchRoute(request) && (await latch.handleRequest(request, response))) return;
      await handler(req, res);
    } catch (error) {
      if (!res.headersSent && latch.handleError(error, request, response)) return;
      throw error;
    }
  };
}

/** Like `withLatchApi`, and runs the handler with the verified session on `req.session`. */
export function withSessionApi(handler: ApiHandler<SessionApiRequest>, options: GetSessionOptions & AdapterOptions = {}): ApiHandler {
  const { latch: _instance, ...sessionOptions } = options;
  return withLatchApi(async (req, res) => {
    const latch = await resolveLatch(options);
    const session = await latch.getSession(req, res, sessionOptions);
    if (session) (req as SessionApiRequest).session = session;
    return handler(req as SessionApiRequest, res);
  }, options);
}
