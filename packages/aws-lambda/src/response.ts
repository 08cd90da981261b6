import { WebResponse } from "@latch/core/web";
import type { EventKind, LambdaResult, LambdaV1Result, LambdaV2Result } from "./events";

/**
 * Records what Latch sets during an invocation and merges it into the handler's result, in the
 * shape the event's integration expects: v2 puts Set-Cookie values in `cookies`; v1 and ALB need
 * `multiValueHeaders` to carry more than one.
 */
export class LambdaResponse extends WebResponse {
  /**
   * @param kind the integration
   * @param multiValueHeaders whether the result may use `multiValueHeaders` (always for API Gateway
   *   v1; for ALB only when the target group enables multi-value headers, seen on the event)
   */
  constructor(
    readonly kind: EventKind,
    readonly multiValueHeaders = kind === "v1",
  ) {
    super();
  }

  /** Latch's own answer (its routes, its errors) as a Lambda result. */
  toResult(): LambdaResult {
    return this.mergeInto({
      statusCode: this.status ?? 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: this.body ?? "",
    });
  }

  /**
   * The handler's result with Latch's headers and cookies added. A v2 handler may return any value
   * (Lambda sends it as JSON with status 200); it is turned into a full result first.
   */
  mergeInto(result: unknown): LambdaResult {
    const full = isResult(result)
      ? { ...result }
      : { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result ?? null) };
    if (this.kind === "v2") return this.#mergeV2(full as LambdaV2Result);
    return this.multiValueHeaders ? this.#mergeV1(full as LambdaV1Result) : this.#mergeSingle(full as LambdaV1Result);
  }

  #mergeV2(result: LambdaV2Result): LambdaV2Result {
    const headers = { ...result.headers };
    for (const key of Object.keys(headers)) if (this.removedHeaders.has(key.toLowerCase())) delete headers[key];
    for (const [key, value] of this.headers) headers[key] = value;
    const cookies = [...(result.cookies ?? []), ...this.setCookies];
    return { ...result, headers, ...(cookies.length > 0 ? { cookies } : {}) };
  }

  #mergeV1(result: LambdaV1Result): LambdaV1Result {
    // Everything goes to multiValueHeaders, the only way v1 and ALB carry several Set-Cookie values.
    const multi: Record<string, Array<string | number | boolean>> = {};
    for (const [key, value] of Object.entries(result.headers ?? {})) multi[key.toLowerCase()] = [value];
    for (const [key, values] of Object.entries(result.multiValueHeaders ?? {})) multi[key.toLowerCase()] = [...values];
    for (const key of this.removedHeaders) delete multi[key];
    for (const [key, value] of this.headers) multi[key] = [value];
    if (this.setCookies.length > 0) multi["set-cookie"] = [...(multi["set-cookie"] ?? []), ...this.setCookies];
    const { headers: _single, ...rest } = result;
    return { ...rest, multiValueHeaders: multi };
  }

  /**
   * ALB without multi-value headers can send one Set-Cookie only: the access token's (the refresh
   * token then comes with the next refresh). Enable multi-value headers on the target group.
   */
  #mergeSingle(result: LambdaV1Result): LambdaV1Result {
    const headers = { ...result.headers };
    for (const key of Object.keys(headers)) if (this.removedHeaders.has(key.toLowerCase())) delete headers[key];
    for (const [key, value] of this.headers) headers[key] = value;
    const cookie = this.setCookies.find((c) => c.startsWith("sAccessToken=")) ?? this.setCookies[0];
    if (cookie) headers["set-cookie"] = cookie;
    return { ...result, headers };
  }
}

function isResult(value: unknown): value is LambdaResult {
  return (
    typeof value === "object" &&
    value !== null &&
    "statusCode" in value &&
    typeof (value as { statusCode: unknown }).statusCode === "number"
  );
}
