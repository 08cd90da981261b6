import { BaseRequest, type HttpMethod, InvalidInputError } from "@latch/core";
import type { ApiGatewayV1Event, ApiGatewayV2Event, LambdaHttpEvent } from "./events";

/** A Lambda HTTP event (API Gateway v1 or v2, ALB, Function URL) as Latch's request. */
export class LambdaRequest extends BaseRequest {
  readonly #headers = new Map<string, string>();
  readonly #method: string;
  readonly #target: string;
  readonly #sourceIp: string | undefined;

  constructor(readonly event: LambdaHttpEvent) {
    super();
    if ("version" in event && event.version === "2.0") {
      const v2 = event as ApiGatewayV2Event;
      this.#method = v2.requestContext.http.method;
      this.#sourceIp = v2.requestContext.http.sourceIp;
      this.#target = v2.rawPath + (v2.rawQueryString ? `?${v2.rawQueryString}` : "");
      for (const [name, value] of Object.entries(v2.headers ?? {})) if (value !== undefined) this.#headers.set(name.toLowerCase(), value);
      // v2 takes Cookie out of the headers into an array.
      const cookies = [...(v2.cookies ?? []), ...(this.#headers.has("cookie") ? [this.#headers.get("cookie") as string] : [])];
      if (cookies.length > 0) this.#headers.set("cookie", cookies.join("; "));
    } else {
      const v1 = event as ApiGatewayV1Event;
      this.#method = v1.httpMethod;
      // API Gateway sets identity.sourceIp; an ALB has none (its X-Forwarded-For is the app's to trust or not).
      this.#sourceIp = v1.requestContext?.identity?.sourceIp;
      this.#target = v1.path + queryString(v1);
      for (const [name, values] of Object.entries(v1.multiValueHeaders ?? {})) {
        if (values) this.#headers.set(name.toLowerCase(), values.join(name.toLowerCase() === "cookie" ? "; " : ", "));
      }
      for (const [name, value] of Object.entries(v1.headers ?? {})) {
        if (value !== undefined && !this.#headers.has(name.toLowerCase())) this.#headers.set(name.toLowerCase(), value);
      }
    }
  }

  getMethod(): HttpMethod {
    return this.#method.toUpperCase() as HttpMethod;
  }

  override getClientIp(): string | undefined {
    return this.#sourceIp;
  }

  getOriginalUrl(): string {
    return this.#target;
  }

  getHeader(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  async getJsonBody(): Promise<unknown> {
    const text = this.#bodyText();
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // As core's Node and Fetch bridges: a 400, not a silently missing body.
      throw new InvalidInputError("body", "is not valid JSON");
    }
  }

  async getFormBody(): Promise<Record<string, string>> {
    return Object.fromEntries(new URLSearchParams(this.#bodyText()));
  }

  #bodyText(): string {
    const { body, isBase64Encoded } = this.event;
    if (!body) return "";
    return isBase64Encoded ? new TextDecoder().decode(Uint8Array.from(atob(body), (c) => c.charCodeAt(0))) : body;
  }
}

function queryString(event: ApiGatewayV1Event): string {
  const params = new URLSearchParams();
  if (event.multiValueQueryStringParameters) {
    for (const [key, values] of Object.entries(event.multiValueQueryStringParameters))
      for (const value of values ?? []) params.append(key, value);
  } else {
    for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) if (value !== undefined) params.append(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
