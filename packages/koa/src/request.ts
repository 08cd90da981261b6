import { NodeRequest } from "@latch/core/node";
import type { Context } from "koa";

/** Koa's request: Node's, with the body a parser (e.g. @koa/bodyparser) put on `ctx.request.body`. */
export class KoaRequest extends NodeRequest {
  constructor(readonly ctx: Context) {
    super(ctx.req);
  }

  override getOriginalUrl(): string {
    return this.ctx.originalUrl;
  }

  protected override parsedBody(): unknown {
    return (this.ctx.request as { body?: unknown }).body;
  }
}
