import type { Boom } from "@hapi/boom";
import type { ResponseObject, ResponseToolkit } from "@hapi/hapi";
import { BaseResponse } from "@latch/core";

/**
 * hapi builds the response after the handler returns, so Latch's status, headers and cookies are
 * recorded here and applied to whatever response the request ends with (`onPreResponse`), a
 * normal one or a Boom error alike. Set-Cookie values are the ones core serialised; hapi's own
 * `h.state` cookies still join them.
 */
export class HapiResponse extends BaseResponse {
  #status: number | undefined;
  #body: string | undefined;
  readonly #headers = new Map<string, string>();
  readonly #removed = new Set<string>();
  #setCookies: string[] | undefined;

  setStatus(statusCode: number): void {
    this.#status = statusCode;
  }

  setHeader(name: string, value: string): void {
    const key = name.toLowerCase();
    this.#headers.set(key, value);
    this.#removed.delete(key);
  }

  getHeader(name: string): string | string[] | undefined {
    const key = name.toLowerCase();
    return key === "set-cookie" ? this.#setCookies : this.#headers.get(key);
  }

  removeHeader(name: string): void {
    const key = name.toLowerCase();
    this.#headers.delete(key);
    this.#removed.add(key);
  }

  setCookieHeaders(values: string[]): void {
    this.#setCookies = values;
  }

  sendJson(statusCode: number, body: unknown): void {
    this.#status = statusCode;
    this.#body = JSON.stringify(body);
  }

  /** Whether Latch answered the request itself (sendJson was called). */
  get answered(): boolean {
    return this.#body !== undefined;
  }

  /** Latch's own answer as a hapi response (a string body, so every framework sends the same bytes). */
  toResponse(h: ResponseToolkit): ResponseObject {
    const response = h
      .response(this.#body ?? "")
      .code(this.#status ?? 200)
      .type("application/json; charset=utf-8");
    this.applyTo(response);
    return response;
  }

  /** Copies the recorded headers and cookies onto the response the request ends with. */
  applyTo(response: ResponseObject | Boom): void {
    if ("isBoom" in response && response.isBoom) {
      const headers = response.output.headers as Record<string, string | string[]>;
      for (const key of this.#removed) delete headers[key];
      for (const [key, value] of this.#headers) headers[key] = value;
      if (this.#setCookies) headers["set-cookie"] = this.#setCookies;
      return;
    }
    const object = response as ResponseObject;
    for (const key of this.#removed) delete (object.headers as Record<string, unknown>)[key];
    for (const [key, value] of this.#headers) object.header(key, value);
    if (this.#setCookies) (object.headers as Record<string, unknown>)["set-cookie"] = this.#setCookies;
  }
}
