import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cookieIdentity, parseCookieHeader, serializeCookie, setCookieIdentity } from "../src/http/cookies";
import { RecordingResponse } from "./support/recording-http";

describe("cookie parsing", () => {
  it("keeps duplicates in order", () => {
    expect(parseCookieHeader("sAccessToken=a; other=1; sAccessToken=b").get("sAccessToken")).toEqual(["a", "b"]);
  });

  it("skips malformed pairs and never throws", () => {
    const cookies = parseCookieHeader(';;=x; noequals; a=1; b=%E0%A4%A; c="quoted"; d=%20x');
    expect(cookies.get("a")).toEqual(["1"]);
    expect(cookies.get("b")).toEqual(["%E0%A4%A"]);
    expect(cookies.get("c")).toEqual(["quoted"]);
    expect(cookies.get("d")).toEqual([" x"]);
    expect(cookies.has("")).toBe(false);
  });

  it("handles an absent or empty header", () => {
    expect(parseCookieHeader(undefined).size).toBe(0);
    expect(parseCookieHeader("").size).toBe(0);
  });
});

describe("cookie serialisation", () => {
  const cookie = { name: "sAccessToken", value: "abc.def", expires: 0, path: "/", secure: true, httpOnly: true, sameSite: "none" as const };

  it("writes every attribute", () => {
    expect(serializeCookie({ ...cookie, domain: ".example.com" })).toBe(
      "sAccessToken=abc.def; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=.example.com; HttpOnly; Secure; SameSite=None",
    );
  });

  it("refuses values that would break the header", () => {
    expect(() => serializeCookie({ ...cookie, value: "a;b" })).toThrow(TypeError);
    expect(() => serializeCookie({ ...cookie, value: "a\r\nSet-Cookie: x=y" })).toThrow(TypeError);
    expect(() => serializeCookie({ ...cookie, name: "bad name" })).toThrow(TypeError);
  });

  it("identifies a cookie by name, path and domain", () => {
    expect(setCookieIdentity(serializeCookie({ ...cookie, domain: ".Example.com" }))).toBe("sAccessToken;/;example.com");
  });
});

describe("BaseResponse", () => {
  it("replaces an earlier Set-Cookie for the same cookie and keeps others", () => {
    const res = new RecordingResponse();
    res.setHeader("set-cookie", "app=1; Path=/");
    const cookie = { name: "sAccessToken", value: "one", expires: 0, path: "/", secure: false, httpOnly: true, sameSite: "lax" as const };
    res.setCookie(cookie);
    res.setCookie({ ...cookie, value: "two" });
    res.setCookie({ ...cookie, value: "", domain: "old.example.com" });
    const values = res.getHeader("set-cookie") as string[];
    expect(values).toHaveLength(3);
    expect(values[0]).toBe("app=1; Path=/");
    expect(values[1]).toMatch(/^sAccessToken=two;/);
    expect(values[2]).toMatch(/Domain=old\.example\.com/);
  });

  it("appends to Access-Control-Expose-Headers without replacing what the app set", () => {
    const res = new RecordingResponse();
    res.setHeader("access-control-expose-headers", "x-request-id");
    res.exposeHeaders("front-token");
    res.exposeHeaders("front-token", "anti-csrf");
    expect(res.getHeader("access-control-expose-headers")).toBe("x-request-id, front-token, anti-csrf");
  });
});

describe("cookie identity", () => {
  it("from a cookie's parts equals what its Set-Cookie header reads back (so replacing works)", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/);
    fc.assert(
      fc.property(
        token,
        token,
        fc.stringMatching(/^\/[a-z/]{0,20}$/),
        fc.option(fc.stringMatching(/^\.?[A-Za-z0-9.-]{1,20}$/), { nil: undefined }),
        (name, value, path, domain) => {
          const cookie = { name, value, expires: 0, path, domain, secure: true, httpOnly: true, sameSite: "lax" as const };
          expect(cookieIdentity(name, path, domain)).toBe(setCookieIdentity(serializeCookie(cookie)));
        },
      ),
    );
  });
});
