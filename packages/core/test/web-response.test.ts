import { describe, expect, it } from "vitest";
import { BaseRequest, bindBaseObjects, boundBaseObjects } from "../src/index";
import { WebRequest, WebResponse } from "../src/web/index";

function latchTokens(): WebResponse {
  const response = new WebResponse();
  response.setHeader("front-token", "ft");
  response.exposeHeaders("front-token", "st-access-token");
  response.setCookie({ name: "sAccessToken", value: "a", path: "/", httpOnly: true, secure: true, sameSite: "lax", expires: 0 });
  response.setCookie({
    name: "sRefreshToken",
    value: "r",
    path: "/auth/session/refresh",
    httpOnly: true,
    secure: true,
    sameSite: "lax",
    expires: 0,
  });
  return response;
}

describe("WebResponse", () => {
  it("says whether Latch set anything", () => {
    const untouched = new WebResponse();
    expect(untouched.modified).toBe(false);
    expect(latchTokens().modified).toBe(true);
    const removedOnly = new WebResponse();
    removedOnly.removeHeader("st-access-token");
    expect(removedOnly.modified).toBe(true);
    const answered = new WebResponse();
    answered.sendJson(401, { message: "unauthorised" });
    expect(answered.modified).toBe(true);
  });

  it("applyTo appends Latch's exposed headers to the app's instead of replacing them", () => {
    const app = new Response("ok", { headers: { "access-control-expose-headers": "x-app-header, Front-Token", "x-app-header": "1" } });
    const sent = latchTokens().applyTo(app);
    expect(sent.headers.get("access-control-expose-headers")).toBe("x-app-header, Front-Token, st-access-token");
    expect(sent.headers.get("x-app-header")).toBe("1");
    expect(sent.headers.get("front-token")).toBe("ft");
    expect(sent.headers.getSetCookie()).toHaveLength(2);
  });

  it("applyToHeaders keeps the app's cookies and adds Latch's", () => {
    const headers = new Headers({ "set-cookie": "theme=dark; Path=/" });
    latchTokens().applyToHeaders(headers);
    expect(headers.getSetCookie().map((value) => value.split("=")[0])).toEqual(["theme", "sAccessToken", "sRefreshToken"]);
    expect(headers.get("access-control-expose-headers")).toBe("front-token, st-access-token");
  });

  it("toResponse builds on the headers the framework already set", () => {
    const response = latchTokens();
    response.sendJson(401, { message: "try refresh token" });
    const sent = response.toResponse({
      "access-control-allow-origin": "https://www.example.com",
      "access-control-expose-headers": "x-app-header",
      "content-type": "text/plain",
      "content-length": "2",
    });
    expect(sent.status).toBe(401);
    expect(sent.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
    expect(sent.headers.get("access-control-expose-headers")).toBe("x-app-header, front-token, st-access-token");
    expect(sent.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(sent.headers.get("content-length")).toBeNull();
    expect(sent.headers.getSetCookie()).toHaveLength(2);
  });

  it("toResponse without a base is Latch's answer alone", async () => {
    const response = new WebResponse();
    response.sendJson(200, { status: "OK" });
    const sent = response.toResponse();
    expect(sent.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await sent.json()).toEqual({ status: "OK" });
  });
});

describe("boundBaseObjects with wrapper classes", () => {
  class OtherResponse extends WebResponse {}

  it("returns the adapter's own classes, typed, and nothing for another adapter's", () => {
    const native = {};
    const request = new WebRequest(new Request("https://api.example.com/me"));
    const response = new WebResponse();
    bindBaseObjects(native, request, native, response);
    const bound = boundBaseObjects(native, native, { request: WebRequest, response: WebResponse });
    // Typed: WebResponse's own members need no cast.
    expect(bound?.response.modified).toBe(false);
    expect(bound?.request.original.url).toBe("https://api.example.com/me");
    expect(boundBaseObjects(native, native, { request: BaseRequest, response: OtherResponse })).toBeUndefined();
    expect(boundBaseObjects(native, native)).toEqual({ request, response });
  });
});

describe("WebRequest", () => {
  it.each([
    ["https://api.example.com/auth/session/refresh?x=1", "/auth/session/refresh?x=1"],
    ["http://127.0.0.1:3000/auth/../auth/signout", "/auth/signout"],
    ["http://[::1]:8080/me#fragment", "/me"],
    ["https://api.example.com", "/"],
    ["http://example.com:81/a/b?c=d//e#f", "/a/b?c=d//e"],
  ])("reads %s's path and query as %s", (url, target) => {
    const request = new WebRequest(new Request(url));
    expect(request.getOriginalUrl()).toBe(target);
    const parsed = new URL(url);
    expect(target).toBe(parsed.pathname + parsed.search);
  });
});
