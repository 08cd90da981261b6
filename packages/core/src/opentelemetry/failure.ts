import { type Span, SpanStatusCode } from "@opentelemetry/api";
import { describeError, redact } from "../log";

/**
 * Marks a span failed: error status, `error.type`, and the exception with its message (and its
 * causes') and stack masked the way Latch's logs mask them, since a driver's message can quote a
 * value it was given. Returns the `error.type` recorded.
 */
export function recordFailure(span: Span, error: unknown): string {
  const type = errorType(error);
  const message = describeError(error);
  const stack = error instanceof Error && error.stack ? redact(error.stack) : undefined;
  span.recordException({ name: error instanceof Error ? error.name : type, message, ...(stack ? { stack } : {}) });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute("error.type", type);
  return type;
}

/** A Latch error's stable code ("STORE_UNAVAILABLE"), a system error's ("ECONNREFUSED"), else the class name. */
function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code;
  if (error instanceof Error) return error.name || "Error";
  return "_OTHER";
}
