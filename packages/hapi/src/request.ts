import type { Request } from "@hapi/hapi";
import { BaseRequest, type HttpMethod } from "@latch/core";

/** hapi's request: the raw target as received, headers as hapi lower-cased them, the parsed payload. */
export class HapiRequest extends BaseRequest {
  constructor(readonly request: Request) {
    super();
  }

  getMethod(): HttpMethod {
    return this.request.method.toUpperCase() as HttpMethod;
  }

  getOriginalUrl(): string {
    return this.request.raw.req.url ?? this.request.path;
  }

  getHeader(name: string): string | undefined {
    const value: unknown = this.request.headers[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(name.toLowerCase() === "cookie" ? "; " : ", ") : String(value);
  }

  override getClientIp(): string | undefined {
    return this.request.info.remoteAddress;
  }

  async getJsonBody(): Promise<unknown> {
    return this.request.payload ?? undefined;
  }

  async getFormBody(): Promise<Record<string, string>> {
    const payload = this.request.payload;
    if (typeof payload !== "object" || payload === null) return {};
    return Object.fromEntries(Object.entries(payload).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  }
}
