import { NodeResponse } from "@latch/core/node";
import type { Context } from "koa";

/**
 * Koa's response: headers go straight to Node's response (Koa's own `ctx.set` does the same), while
 * status and body go through `ctx`, because Koa writes the response itself once the middleware
 * chain has finished.
 */
export class KoaResponse extends NodeResponse {
  constructor(readonly ctx: Context) {
    super(ctx.res);
  }

  override setStatus(statusCode: number): void {
    this.ctx.status = statusCode;
  }

  override sendJson(statusCode: number, body: unknown): void {
    this.ctx.status = statusCode;
    this.ctx.type = "application/json; charset=utf-8";
    this.ctx.body = JSON.stringify(body);
  }
}
