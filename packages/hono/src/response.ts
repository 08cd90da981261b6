import type { Latch } from "@latch/core";
import { WebResponse } from "@latch/core/web";
import type { Context } from "hono";

/**
 * Collects what Latch sets during a request and puts it on `c.res` once the handlers have run: a
 * handler may return any `Response`, so Latch's headers cannot be written ahead of it.
 */
export class HonoResponse extends WebResponse {
  /** `latch`: the instance `middleware()` serves with, for helpers that get only the context. */
  constructor(
    readonly context: Context,
    readonly latch: Latch,
  ) {
    super();
  }

  /** Latch's answer (its routes, its errors) as the context's response, keeping headers set so far (CORS). */
  sendAnswer(): Response {
    return this.#replace(this.toResponse(this.context.res.headers));
  }

  /** Adds Latch's headers and cookies to the response the handlers produced. */
  applyToContext(): void {
    const { res } = this.context;
    try {
      this.applyToHeaders(res.headers);
    } catch {
      // Immutable headers (a `fetch()` result, `Response.redirect`): a copy sharing the body.
      this.#replace(this.applyTo(res));
    }
  }

  /**
   * Hono's `c.res` setter copies the previous response's headers over the new one's, and its
   * Set-Cookie list replaces the new one's (Latch's tokens, or the cleared cookies of a 401), so
   * the previous response is dropped first.
   */
  #replace(response: Response): Response {
    this.context.res = undefined;
    this.context.res = response;
    return response;
  }
}
