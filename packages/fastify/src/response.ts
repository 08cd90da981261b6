import { BaseResponse } from "@latch/core";
import type { FastifyReply } from "fastify";

/**
 * Fastify's reply. Set-Cookie values (serialised by core) replace the reply's list as a whole,
 * because `reply.header("set-cookie", v)` appends; @fastify/cookie, if registered, still adds its
 * own cookies when the reply is sent.
 */
export class FastifyResponseWrapper extends BaseResponse {
  constructor(readonly reply: FastifyReply) {
    super();
  }

  setStatus(statusCode: number): void {
    this.reply.code(statusCode);
  }

  setHeader(name: string, value: string): void {
    this.reply.header(name, value);
  }

  getHeader(name: string): string | string[] | undefined {
    const value = this.reply.getHeader(name);
    return typeof value === "number" ? String(value) : value;
  }

  removeHeader(name: string): void {
    this.reply.removeHeader(name);
  }

  setCookieHeaders(values: string[]): void {
    this.reply.removeHeader("set-cookie");
    if (values.length > 0) this.reply.header("set-cookie", values);
  }

  sendJson(statusCode: number, body: unknown): void {
    if (this.reply.sent) return;
    // A string, so every framework sends the same bytes (Fastify's serializer is not JSON.stringify).
    this.reply.code(statusCode).type("application/json; charset=utf-8").send(JSON.stringify(body));
  }
}
