import type { IncomingMessage, ServerResponse } from "node:http";
import { type BaseRequest, type BaseResponse, boundBaseObjects } from "@latch/core";
import { wrapNode } from "@latch/core/node";

/**
 * Latch's wrappers for a request's objects, made once per request: LoopBack's request and response
 * are Express's, which are Node's, so core's Node bridge does the work. Reusing the bound wrappers
 * keeps one body reader and one set of response headers per request.
 */
export function wrap(req: IncomingMessage, res: ServerResponse): { request: BaseRequest; response: BaseResponse } {
  return boundBaseObjects(req, res) ?? wrapNode(req, res);
}
