import type { IncomingMessage, ServerResponse } from "node:http";
import type { Latch } from "@latch/core";
import { NodeRequest, NodeResponse } from "@latch/core/node";
import { Inject, Injectable, type NestMiddleware } from "@nestjs/common";
import { LATCH } from "./tokens";

/**
 * Serves Latch's routes (refresh, signout, JWKS). Nest gives middleware Node's own objects on both
 * platforms (Express's are Node's; Fastify's middie passes the raw ones), so core's Node bridge does it.
 */
@Injectable()
export class LatchMiddleware implements NestMiddleware {
  constructor(@Inject(LATCH) private readonly latch: Latch) {}

  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    // Unbound wrappers (not `wrapNode`): binding adds two properties to Node's objects on every
    // request, and nothing later needs them (app code's objects are resolved on demand, platform.ts).
    const request = new NodeRequest(req);
    if (!this.latch.matchRoute(request)) {
      next();
      return;
    }
    this.latch.handleRequest(request, new NodeResponse(res)).then(
      (handled) => {
        if (!handled) next();
      },
      (error: unknown) => next(error),
    );
  }
}
