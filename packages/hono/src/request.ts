import { WebRequest } from "@latch/core/web";
import type { Context } from "hono";

/** Hono's request: the standard `Request` underneath `c.req` (Latch reads a clone of its body). */
export class HonoRequest extends WebRequest {
  constructor(readonly context: Context) {
    super(context.req.raw);
  }
}
