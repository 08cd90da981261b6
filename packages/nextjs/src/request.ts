import { bindBaseObjects, boundBaseObjects, getLatch, type Latch } from "@latch/core";
import { WebRequest, WebResponse } from "@latch/core/web";

/**
 * Which Latch instance to use: an instance, or a function giving one (possibly async, for config
 * read at run time: `next build` loads route modules, so nothing should connect at import);
 * default: the one `init()` made.
 */
export interface AdapterOptions {
  latch?: Latch | (() => Latch | Promise<Latch>);
}

export async function resolveLatch(options: AdapterOptions): Promise<Latch> {
  const { latch } = options;
  if (!latch) return getLatch();
  return typeof latch === "function" ? latch() : latch;
}

/**
 * Wraps a route handler's `Request` once and binds it as both request and response, so
 * `latch.createNewSession(req, req, ...)` works with Next.js's own request object: a route handler
 * has no response object until it returns one, so Latch collects what it sets and adds it then.
 */
export function wrap(req: Request): { request: WebRequest; response: WebResponse } {
  const bound = boundBaseObjects(req, req, { request: WebRequest, response: WebResponse });
  if (bound) return bound;
  const request = new WebRequest(req);
  const response = new WebResponse();
  bindBaseObjects(req, request, req, response);
  return { request, response };
}
