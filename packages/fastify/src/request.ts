import { BaseRequest, type HttpMethod } from "@latch/core";
import type { FastifyRequest } from "fastify";

/** Fastify's request: headers as Node gives them, the body Fastify's content parsers produced. */
export class FastifyRequestWrapper extends BaseRequest {
  constructor(readonly request: FastifyRequest) {
    super();
  }

  getMethod(): HttpMethod {
    return this.request.method.toUpperCase() as HttpMethod;
  }

  getOriginalUrl(): string {
    return this.request.url;
  }

  getHeader(name: string): string | undefined {
    const value = this.request.headers[name.toLowerCase()];
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(name.toLowerCase() === "cookie" ? "; " : ", ") : value;
  }

  override getClientIp(): string | undefined {
    // Fastify's `ip` follows its own `trustProxy` setting.
    return this.request.ip;
  }

  async getJsonBody(): Promise<unknown> {
    return this.request.body ?? undefined;
  }

  async getFormBody(): Promise<Record<string, string>> {
    const body = this.request.body;
    if (typeof body !== "object" || body === null) return {};
    return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  }
}
