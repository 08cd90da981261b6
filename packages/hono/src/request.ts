import { WebRequest } from "@latch/core/web";
import type { Context } from "hono";

/** Node's request headers, as @hono/node-server hands them over in `c.env.incoming`. */
type NodeHeaders = Record<string, string | string[] | undefined>;

function nodeHeadersOf(env: unknown): NodeHeaders | undefined {
  if (typeof env !== "object" || env === null || !("incoming" in env)) return undefined;
  const { incoming } = env;
  if (typeof incoming !== "object" || incoming === null || !("headers" in incoming)) return undefined;
  const { headers } = incoming;
  return typeof headers === "object" && headers !== null ? (headers as NodeHeaders) : undefined;
}

/** Hono's request: the standard `Request` underneath `c.req` (Latch reads a clone of its body). */
export class HonoRequest extends WebRequest {
  readonly #nodeHeaders: NodeHeaders | undefined;

  constructor(readonly context: Context) {
    super(context.req.raw);
    this.#nodeHeaders = nodeHeadersOf(context.env);
  }

  /**
   * On Node, @hono/node-server's `Request` builds a `Headers` object from Node's headers the first
   * time one is read, which bare Hono never does; Node's own (lower-case, already parsed) headers
   * in `c.env.incoming` are read instead. Other runtimes hand Hono a real `Request`.
   */
  override getHeader(name: string): string | undefined {
    if (!this.#nodeHeaders) return super.getHeader(name);
    const value = this.#nodeHeaders[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }
}
