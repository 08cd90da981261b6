import { Latch, MemoryStore } from "@latch/core";
import { parseSetCookie } from "@latch/testing/adapter";
import { describe, expect, it } from "vitest";
import {
  type ApiGatewayV1Event,
  type ApiGatewayV2Event,
  LambdaRequest,
  type LambdaV1Result,
  type LambdaV2Result,
  latchMiddy,
  middleware,
  verifySession,
} from "../src/index";

// Each integration carries headers and Set-Cookie differently; the conformance suite covers v2
// over HTTP, these cover v1 (REST API), ALB with and without multi-value headers, and middy.

const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA" });

const login = middleware(
  async (event) => {
    await latch.createNewSession(event, event, "alice");
    return { statusCode: 200, headers: { "x-app": "1" }, body: "{}" };
  },
  { latch },
);

const me = verifySession(async (event) => ({ statusCode: 200, body: JSON.stringify({ userId: event.session?.getUserId() }) }), { latch });

function v1(method: string, path: string, cookie?: string, extra: Partial<ApiGatewayV1Event> = {}): ApiGatewayV1Event {
  return {
    httpMethod: method,
    path,
    headers: cookie ? { Cookie: cookie } : {},
    multiValueHeaders: cookie ? { Cookie: [cookie] } : {},
    body: null,
    requestContext: {},
    ...extra,
  };
}

function v2(method: string, rawPath: string, cookies?: string[]): ApiGatewayV2Event {
  return {
    version: "2.0",
    rawPath,
    rawQueryString: "",
    headers: {},
    ...(cookies ? { cookies } : {}),
    requestContext: { http: { method } },
  };
}

function cookiePairs(values: Array<string | number | boolean> | string[] | undefined): string {
  return (values ?? []).map((v) => String(v).split(";")[0]).join("; ");
}

describe("API Gateway REST API (v1)", () => {
  it("sends both cookies in multiValueHeaders and keeps the handler's headers", async () => {
    const result = (await login(v1("POST", "/login"), {})) as LambdaV1Result;
    const cookies = result.multiValueHeaders?.["set-cookie"] ?? [];
    expect(cookies.map((c) => parseSetCookie(String(c)).name).sort()).toEqual(["sAccessToken", "sRefreshToken"]);
    expect(result.multiValueHeaders?.["x-app"]).toEqual(["1"]);
    expect(result.multiValueHeaders?.["front-token"]).toHaveLength(1);
    const verified = (await me(v1("GET", "/me", cookiePairs(cookies)), {})) as LambdaV1Result;
    expect(JSON.parse(verified.body ?? "{}")).toEqual({ userId: "alice" });
  });

  it("answers a missing session with the protocol's body", async () => {
    const result = (await me(v1("GET", "/me"), {})) as LambdaV1Result;
    expect(result.statusCode).toBe(401);
    expect(result.body).toBe('{"message":"unauthorised"}');
  });

  it("serves the refresh route", async () => {
    const cookies = ((await login(v1("POST", "/login"), {})) as LambdaV1Result).multiValueHeaders?.["set-cookie"];
    const refreshed = (await login(v1("POST", "/auth/session/refresh", cookiePairs(cookies)), {})) as LambdaV1Result;
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.multiValueHeaders?.["set-cookie"]).toHaveLength(2);
  });
});

describe("ALB", () => {
  const elb = { requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:tg" } } };

  it("with multi-value headers: multiValueHeaders", async () => {
    const result = (await login(v1("POST", "/login", undefined, elb), {})) as LambdaV1Result;
    expect(result.multiValueHeaders?.["set-cookie"]).toHaveLength(2);
  });

  it("without multi-value headers: single headers, the access-token cookie", async () => {
    const event = { ...v1("POST", "/login", undefined, elb), multiValueHeaders: null };
    const result = (await login(event, {})) as LambdaV1Result;
    expect(result.multiValueHeaders).toBeUndefined();
    expect(String(result.headers?.["set-cookie"])).toMatch(/^sAccessToken=/);
  });
});

describe("HTTP API and Function URLs (v2)", () => {
  it("puts Set-Cookie values in `cookies` and reads the `cookies` array", async () => {
    const result = (await login(v2("POST", "/login"), {})) as LambdaV2Result;
    expect(result.cookies).toHaveLength(2);
    const verified = (await me(
      v2(
        "GET",
        "/me",
        result.cookies?.map((c) => c.split(";")[0] as string),
      ),
      {},
    )) as LambdaV2Result;
    expect(JSON.parse(verified.body ?? "{}")).toEqual({ userId: "alice" });
  });

  it("turns a plain returned value into a JSON result", async () => {
    const plain = middleware(async () => ({ hello: "world" }), { latch });
    const result = (await plain(v2("GET", "/x"), {})) as LambdaV2Result;
    expect(result).toMatchObject({ statusCode: 200, body: '{"hello":"world"}' });
  });
});

describe("middy", () => {
  it("before serves Latch's routes and verifies; after merges; onError answers Latch errors", async () => {
    const middy = latchMiddy({ latch, verifySession: true });
    const unauthenticated = { event: v2("GET", "/me"), context: {} };
    expect(await middy.before(unauthenticated)).toMatchObject({ statusCode: 401, body: '{"message":"unauthorised"}' });

    const jwks = { event: v2("GET", "/auth/jwt/jwks.json"), context: {} };
    expect(JSON.parse(((await middy.before(jwks)) as LambdaV2Result).body ?? "{}").keys.length).toBeGreaterThan(0);

    const plain = latchMiddy({ latch });
    const loginRequest = { event: v2("POST", "/login"), context: {}, response: undefined as unknown };
    expect(await plain.before(loginRequest)).toBeUndefined();
    await latch.createNewSession(loginRequest.event, loginRequest.event, "bob");
    loginRequest.response = { statusCode: 200, body: "{}" };
    await plain.after(loginRequest);
    expect((loginRequest.response as LambdaV2Result).cookies).toHaveLength(2);
  });
});

describe("the client's address", () => {
  it("comes from requestContext: http.sourceIp (v2), identity.sourceIp (v1), none for an ALB", () => {
    const v2Event: ApiGatewayV2Event = {
      version: "2.0",
      rawPath: "/login",
      requestContext: { http: { method: "POST", sourceIp: "198.51.100.7" } },
    };
    expect(new LambdaRequest(v2Event).getClientIp()).toBe("198.51.100.7");
    expect(
      new LambdaRequest(v1("POST", "/login", undefined, { requestContext: { identity: { sourceIp: "203.0.113.5" } } })).getClientIp(),
    ).toBe("203.0.113.5");
    expect(
      new LambdaRequest(v1("POST", "/login", undefined, { requestContext: { elb: { targetGroupArn: "arn:aws:x" } } })).getClientIp(),
    ).toBeUndefined();
  });
});
