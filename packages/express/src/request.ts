import { NodeRequest } from "@latch/core/node";
import type { Request } from "express";

/** Express's request: Node's, plus the body a parser may have put on `req.body` and `originalUrl` under mounts. */
export class ExpressRequest extends NodeRequest {
  constructor(readonly request: Request) {
    super(request);
  }
}
