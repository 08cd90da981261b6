// In-memory BaseRequest/BaseResponse for core's unit tests: the abstract members over plain maps.
import { BaseRequest, type HttpMethod } from "../../src/http/base-request";
import { BaseResponse } from "../../src/http/base-response";

/** A request with the given method and headers (lower-case names), no body. */
export class RecordingRequest extends BaseRequest {
  constructor(
    readonly method: HttpMethod,
    readonly headers: Record<string, string>,
    readonly url = "/me",
  ) {
    super();
  }
  getMethod() {
    return this.method;
  }
  getOriginalUrl() {
    return this.url;
  }
  getHeader(name: string) {
    return this.headers[name];
  }
  async getJsonBody() {
    return undefined;
  }
  async getFormBody() {
    return {};
  }
}

/** A response that records its status, headers and JSON body. */
export class RecordingResponse extends BaseResponse {
  readonly headers = new Map<string, string | string[]>();
  status = 200;
  body: unknown;
  setStatus(code: number) {
    this.status = code;
  }
  setHeader(name: string, value: string) {
    this.headers.set(name.toLowerCase(), value);
  }
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  removeHeader(name: string) {
    this.headers.delete(name.toLowerCase());
  }
  setCookieHeaders(values: string[]) {
    this.headers.set("set-cookie", values);
  }
  sendJson(code: number, body: unknown) {
    this.status = code;
    this.body = body;
  }
}
