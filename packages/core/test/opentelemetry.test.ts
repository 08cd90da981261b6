// @latch/core/opentelemetry with the real OpenTelemetry SDK (in-memory exporter and reader):
// spans for store calls and Latch's routes, counters for the session lifecycle, store errors and
// the verified-token cache; no token in any attribute; nothing at all without `telemetry`.
import { type Attributes, metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json";
import { ConfigError, Latch, type LatchConfig, MemoryStore, type SessionStore, StoreError, StoreUnavailableError } from "../src/index";
import { METRIC, type OpenTelemetryOptions, openTelemetry } from "../src/opentelemetry/index";
import { type InMemorySdk, inMemorySdk, total, useAsyncContext } from "./support/opentelemetry-sdk";
import { RecordingRequest, RecordingResponse } from "./support/recording-http";

let restoreContext: () => void;
beforeAll(() => {
  restoreContext = useAsyncContext();
});
afterAll(() => restoreContext());

const sdks: InMemorySdk[] = [];
function sdk(): InMemorySdk {
  const created = inMemorySdk();
  sdks.push(created);
  return created;
}
afterEach(async () => {
  trace.disable();
  metrics.disable();
  await Promise.all(sdks.splice(0).map((s) => s.shutdown()));
});

function latchWith(overrides: Partial<LatchConfig>, store: SessionStore = new MemoryStore()) {
  return new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", logger: false, ...overrides });
}

function instrumented(options: Omit<OpenTelemetryOptions, "tracerProvider" | "meterProvider"> = {}, store?: SessionStore) {
  const recorded = sdk();
  const latch = latchWith(
    { telemetry: openTelemetry({ ...options, tracerProvider: recorded.tracerProvider, meterProvider: recorded.meterProvider }) },
    store,
  );
  return { latch, sdk: recorded };
}

/** A request to one of Latch's routes, answered by handleRequest. */
async function serve(latch: Latch, method: "GET" | "POST", path: string, cookies: Record<string, string> = {}) {
  const cookie = Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
  const response = new RecordingResponse();
  const served = await latch.handleRequest(new RecordingRequest(method, cookie ? { cookie } : {}, path), response);
  return { served, response };
}

/** The value of a cookie the response sets. */
function setCookie(response: RecordingResponse, name: string): string {
  const values = [response.getHeader("set-cookie") ?? []].flat();
  const value = values
    .find((line) => line.startsWith(`${name}=`))
    ?.split(";")[0]
    ?.slice(name.length + 1);
  if (!value) throw new Error(`the response sets no ${name} cookie`);
  return value;
}

function setCookieNames(response: RecordingResponse): string[] {
  return [response.getHeader("set-cookie") ?? []]
    .flat()
    .map((line) => line.slice(0, line.indexOf("=")))
    .sort();
}

/**
 * Login, two protected GETs (a miss, then a hit), two refreshes, a theft (the first refresh token
 * again), a signout, a revocation by handle and a JWKS request. Returns what a client would see,
 * and every token and key issued on the way.
 */
async function lifecycle(latch: Latch) {
  const seen: Array<[step: string, ...outcome: unknown[]]> = [];
  const secrets: string[] = [];
  const loginResponse = new RecordingResponse();
  const alice = await latch.createNewSession(new RecordingRequest("POST", {}, "/login"), loginResponse, "alice");
  const login = alice.getAllSessionTokensDangerously();
  secrets.push(login.accessToken, login.refreshToken ?? "", login.frontToken);
  seen.push(["login", setCookieNames(loginResponse)]);

  const protectedGet = () => new RecordingRequest("GET", { cookie: `sAccessToken=${login.accessToken}` });
  for (const _ of [1, 2]) {
    const result = latch.getSessionMaybeSync(protectedGet(), new RecordingResponse());
    seen.push(["GET", result instanceof Promise ? "promise" : "session", (await result)?.getUserId()]);
  }

  const refreshPath = "/auth/session/refresh";
  const first = await serve(latch, "POST", refreshPath, { sRefreshToken: login.refreshToken ?? "" });
  const rotated = setCookie(first.response, "sRefreshToken");
  secrets.push(rotated, setCookie(first.response, "sAccessToken"));
  const second = await serve(latch, "POST", refreshPath, { sRefreshToken: rotated });
  secrets.push(setCookie(second.response, "sRefreshToken"), setCookie(second.response, "sAccessToken"));
  const theft = await serve(latch, "POST", refreshPath, { sRefreshToken: login.refreshToken ?? "" });
  for (const { response } of [first, second, theft]) seen.push(["refresh", response.status, response.body, setCookieNames(response)]);

  const bob = (await latch.createNewSessionWithoutRequestResponse("public", "bob")).getAllSessionTokensDangerously();
  secrets.push(bob.accessToken, bob.refreshToken ?? "", bob.frontToken);
  const signout = await serve(latch, "POST", "/auth/signout", { sAccessToken: bob.accessToken });
  seen.push(["signout", signout.response.status, signout.response.body]);

  const carol = await latch.createNewSessionWithoutRequestResponse("public", "carol");
  secrets.push(carol.getAllSessionTokensDangerously().accessToken);
  seen.push(["revokeSession", await latch.revokeSession(carol.getHandle())]);

  const jwks = await serve(latch, "GET", "/auth/jwt/jwks.json");
  const keys = (jwks.response.body as { keys: Array<{ x?: string; n?: string }> }).keys;
  secrets.push(...keys.flatMap((key) => [key.x ?? "", key.n ?? ""]));
  seen.push(["jwks", jwks.response.status, keys.length]);

  return { seen, secrets: secrets.filter(Boolean), handles: [alice.getHandle(), carol.getHandle()] };
}

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): string[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId).map((span) => span.name);
}

/** Every string a span or metric point carries: names, attribute values, event attributes, status messages. */
function recordedStrings(spans: ReadableSpan[], points: Attributes[]): string[] {
  const values = (attributes: Attributes | undefined) => Object.values(attributes ?? {}).flatMap((value) => [value].flat().map(String));
  return [
    ...spans.flatMap((span) => [
      span.name,
      span.status.message ?? "",
      ...values(span.attributes),
      ...span.events.flatMap((event) => [event.name, ...values(event.attributes)]),
    ]),
    ...points.flatMap(values),
  ];
}

describe("openTelemetry()", () => {
  it("traces the routes and their store calls, counts the lifecycle, and records no token or key", async () => {
    const { latch, sdk } = instrumented();
    const { seen, secrets, handles } = await lifecycle(latch);
    expect(seen.filter(([step]) => step === "refresh").map(([, status]) => status)).toEqual([200, 200, 401]);

    const spans = sdk.spans();
    const refreshes = named(spans, "latch.route.refresh");
    expect(refreshes.map((span) => span.attributes)).toEqual([
      { "latch.route": "refresh", "http.route": "/auth/session/refresh", "http.request.method": "POST", "http.response.status_code": 200 },
      { "latch.route": "refresh", "http.route": "/auth/session/refresh", "http.request.method": "POST", "http.response.status_code": 200 },
      {
        "latch.route": "refresh",
        "http.route": "/auth/session/refresh",
        "http.request.method": "POST",
        "http.response.status_code": 401,
        "latch.error.code": "TOKEN_THEFT_DETECTED",
      },
    ]);
    // A 401 is the client's failure, not the server's.
    expect(refreshes.map((span) => span.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
    expect(refreshes.every((span) => span.kind === SpanKind.INTERNAL)).toBe(true);
    // The store calls a refresh makes are its children.
    const [firstRefresh, , theft] = refreshes as [ReadableSpan, ReadableSpan, ReadableSpan];
    expect(childrenOf(spans, firstRefresh)).toEqual(["latch.store.getSession", "latch.store.rotateRefreshToken"]);
    expect(childrenOf(spans, theft)).toEqual(["latch.store.getSession", "latch.store.revokeSessions"]);

    expect(named(spans, "latch.route.signout").map((span) => span.attributes)).toEqual([
      { "latch.route": "signout", "http.route": "/auth/signout", "http.request.method": "POST", "http.response.status_code": 200 },
    ]);
    expect(named(spans, "latch.route.jwks").map((span) => span.attributes)).toEqual([
      { "latch.route": "jwks", "http.route": "/auth/jwt/jwks.json", "http.request.method": "GET", "http.response.status_code": 200 },
    ]);

    const rotation = named(spans, "latch.store.rotateRefreshToken")[0];
    expect(rotation?.kind).toBe(SpanKind.CLIENT);
    // The memory store is no database: no db.system.
    expect(rotation?.attributes).toEqual({ "latch.store.name": "memory", "latch.store.operation": "rotateRefreshToken" });
    expect(named(spans, "latch.store.createSession")).toHaveLength(3);
    // The protected GETs read no store and make no span.
    expect(spans.filter((span) => !span.name.startsWith("latch.store.") && !span.name.startsWith("latch.route."))).toEqual([]);

    const collected = await sdk.metrics();
    expect(total(collected, METRIC.sessionsCreated)).toBe(3);
    expect(total(collected, METRIC.sessionsRefreshed)).toBe(2);
    expect(total(collected, METRIC.tokenTheftsDetected)).toBe(1);
    expect(collected.get(METRIC.sessionsRevoked)?.map((point) => [point.attributes["latch.revocation.reason"], point.value])).toEqual(
      expect.arrayContaining([
        ["token-theft", 1],
        ["signout", 1],
        ["revoked", 1],
      ]),
    );
    expect(total(collected, METRIC.sessionsRevoked)).toBe(3);
    expect(total(collected, METRIC.storeErrors)).toBe(0);
    // Alice's first GET verified (a miss), her second was a hit; Bob's signout verified (a miss).
    expect(total(collected, METRIC.verifiedTokenCacheHits)).toBe(1);
    expect(total(collected, METRIC.verifiedTokenCacheMisses)).toBe(2);
    expect(total(collected, METRIC.verifiedTokenCacheHitRatio)).toBeCloseTo(1 / 3);

    const strings = recordedStrings(
      spans,
      [...collected.values()].flat().map((point) => point.attributes),
    );
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThanOrEqual(32);
      // The whole value, and its last 43 characters (a JWT's signature, a refresh token's MAC).
      expect(strings.filter((value) => value.includes(secret) || value.includes(secret.slice(-43)))).toEqual([]);
    }
    // Who and which session: only when the app opts in.
    for (const identifier of ["alice", "bob", "carol", ...handles]) expect(strings).not.toContain(identifier);
  }, 120_000);

  it("names the user and the session on route spans only when asked (recordUserId, recordSessionHandle)", async () => {
    const { latch, sdk } = instrumented({ recordUserId: true, recordSessionHandle: true });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "alice");
    const { refreshToken, accessToken } = session.getAllSessionTokensDangerously();
    await serve(latch, "POST", "/auth/session/refresh", { sRefreshToken: refreshToken ?? "" });
    await serve(latch, "POST", "/auth/signout", { sAccessToken: accessToken });
    const routes = sdk.spans().filter((span) => span.name.startsWith("latch.route."));
    expect(routes.map((span) => [span.name, span.attributes["user.id"], span.attributes["latch.session.handle"]])).toEqual([
      ["latch.route.refresh", "alice", session.getHandle()],
      ["latch.route.signout", "alice", session.getHandle()],
    ]);
    // Never on the store spans, nor as a metric attribute (one series per user would be unbounded).
    const storeSpans = sdk.spans().filter((span) => span.name.startsWith("latch.store."));
    expect(storeSpans.filter((span) => "user.id" in span.attributes || "latch.session.handle" in span.attributes)).toEqual([]);
    const points = [...(await sdk.metrics()).values()].flat();
    expect(points.filter((point) => "user.id" in point.attributes || "latch.session.handle" in point.attributes)).toEqual([]);
  }, 60_000);

  it("a database driver's own spans are children of the store call's span", async () => {
    const recorded = sdk();
    const driver = recorded.tracerProvider.getTracer("a-driver-instrumentation");
    const memory = new MemoryStore();
    // What pg's or ioredis' instrumentation does: a span of its own around each query, under the active span.
    const store: SessionStore = new Proxy(memory, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function" || property === "close") return value;
        return (...args: unknown[]) =>
          driver.startActiveSpan("driver.query", (span) => Promise.resolve(value.apply(target, args)).finally(() => span.end()));
      },
    });
    const latch = latchWith(
      { telemetry: openTelemetry({ tracerProvider: recorded.tracerProvider, meterProvider: recorded.meterProvider }) },
      store,
    );
    await latch.createNewSessionWithoutRequestResponse("public", "alice");
    const spans = recorded.spans();
    const [create] = named(spans, "latch.store.createSession");
    expect(create && childrenOf(spans, create)).toEqual(["driver.query"]);
  }, 60_000);

  it("records a store outage: error spans with the masked exception, the 503 route, the store-error counter", async () => {
    const flaky = flakyStore("postgres");
    const { latch, sdk } = instrumented({}, flaky.store);
    const session = await latch.createNewSessionWithoutRequestResponse("public", "alice");
    const { accessToken, refreshToken } = session.getAllSessionTokensDangerously();

    // A driver's message may quote what it was given: here a connection string's password and a token.
    flaky.down = true;
    flaky.cause = new Error(`connect ECONNREFUSED 10.0.0.5:5432 (postgres://latch:hunter2@db:5432/latch) while sending ${accessToken}`);
    await expect(latch.createNewSessionWithoutRequestResponse("public", "alice")).rejects.toThrow(StoreUnavailableError);
    const refresh = await serve(latch, "POST", "/auth/session/refresh", { sRefreshToken: refreshToken ?? "" });
    expect(refresh.response.status).toBe(503);
    flaky.down = false;
    await latch.createNewSessionWithoutRequestResponse("public", "alice");

    const spans = sdk.spans();
    const failedCreate = named(spans, "latch.store.createSession").find((span) => span.status.code === SpanStatusCode.ERROR);
    expect(failedCreate?.attributes).toEqual({
      "latch.store.name": "postgres",
      "latch.store.operation": "createSession",
      "db.system.name": "postgresql",
      "db.system": "postgresql",
      "error.type": "STORE_UNAVAILABLE",
    });
    const exception = failedCreate?.events.find((event) => event.name === "exception")?.attributes ?? {};
    expect(exception["exception.type"]).toBe("StoreUnavailableError");
    expect(exception["exception.message"]).toBe(
      'session store "postgres" is unavailable [STORE_UNAVAILABLE]: caused by connect ECONNREFUSED 10.0.0.5:5432 ' +
        "(postgres://latch:***@db:5432/latch) while sending [redacted].[redacted].[redacted]",
    );
    expect(String(exception["exception.stacktrace"])).toContain("StoreUnavailableError");
    expect(named(spans, "latch.store.createSession").filter((span) => span.status.code !== SpanStatusCode.ERROR)).toHaveLength(2);

    const [route] = named(spans, "latch.route.refresh");
    expect(route?.status.code).toBe(SpanStatusCode.ERROR);
    expect(route?.attributes).toMatchObject({
      "http.response.status_code": 503,
      "latch.error.code": "STORE_UNAVAILABLE",
      "error.type": "STORE_UNAVAILABLE",
    });
    expect(route && childrenOf(spans, route)).toEqual(["latch.store.getSession"]);

    const collected = await sdk.metrics();
    expect(collected.get(METRIC.storeErrors)?.map((point) => [point.attributes, point.value])).toEqual(
      expect.arrayContaining([
        [{ "latch.store.name": "postgres", "latch.store.operation": "createSession", "error.type": "STORE_UNAVAILABLE" }, 1],
        [{ "latch.store.name": "postgres", "latch.store.operation": "getSession", "error.type": "STORE_UNAVAILABLE" }, 1],
      ]),
    );
    expect(total(collected, METRIC.storeErrors)).toBe(2);
    const strings = recordedStrings(
      spans,
      [...collected.values()].flat().map((point) => point.attributes),
    );
    expect(strings.filter((value) => value.includes("hunter2") || value.includes(accessToken.slice(-43)))).toEqual([]);
  }, 60_000);

  it("a route error Latch does not answer fails its span and is thrown on", async () => {
    const flaky = flakyStore("sqlite");
    const { latch, sdk } = instrumented({}, flaky.store);
    const { refreshToken } = (await latch.createNewSessionWithoutRequestResponse("public", "alice")).getAllSessionTokensDangerously();
    flaky.down = true;
    flaky.failure = () => new TypeError("no such column: refresh_token_hash2");
    await expect(serve(latch, "POST", "/auth/session/refresh", { sRefreshToken: refreshToken ?? "" })).rejects.toThrow(StoreError);
    const [route] = named(sdk.spans(), "latch.route.refresh");
    expect(route?.status.code).toBe(SpanStatusCode.ERROR);
    expect(route?.attributes["error.type"]).toBe("STORE_ERROR");
    expect(route?.attributes["http.response.status_code"]).toBeUndefined();
    expect(route?.events.map((event) => event.attributes?.["exception.message"])).toEqual([
      'session store "sqlite": failed to read the session [STORE_ERROR]: caused by no such column: refresh_token_hash2',
    ]);
    const [read] = named(sdk.spans(), "latch.store.getSession");
    expect(read?.attributes).toMatchObject({ "db.system.name": "sqlite", "error.type": "TypeError" });
  }, 60_000);

  it("uses the global tracer and meter by default, under the scope @latch/core and the package's version", async () => {
    const recorded = sdk();
    trace.setGlobalTracerProvider(recorded.tracerProvider);
    metrics.setGlobalMeterProvider(recorded.meterProvider);
    const latch = latchWith({ telemetry: openTelemetry() });
    await latch.createNewSessionWithoutRequestResponse("public", "alice");
    const [created] = named(recorded.spans(), "latch.store.createSession");
    expect(created?.instrumentationScope).toEqual(expect.objectContaining({ name: "@latch/core", version: packageJson.version }));
    expect(total(await recorded.metrics(), METRIC.sessionsCreated)).toBe(1);
  }, 60_000);

  it("sums the cache counters of every instance attached, and keeps a closed instance's counts", async () => {
    const recorded = sdk();
    const telemetry = openTelemetry({ tracerProvider: recorded.tracerProvider, meterProvider: recorded.meterProvider });
    const instances = [latchWith({ telemetry }), latchWith({ telemetry })];
    for (const latch of instances) {
      const { accessToken } = (await latch.createNewSessionWithoutRequestResponse("public", "alice")).getAllSessionTokensDangerously();
      for (const _ of [1, 2, 3])
        await latch.getSession(new RecordingRequest("GET", { cookie: `sAccessToken=${accessToken}` }), new RecordingResponse());
    }
    const before = await recorded.metrics();
    expect([total(before, METRIC.verifiedTokenCacheHits), total(before, METRIC.verifiedTokenCacheMisses)]).toEqual([4, 2]);
    await instances[0]?.close();
    const after = await recorded.metrics();
    expect([total(after, METRIC.verifiedTokenCacheHits), total(after, METRIC.verifiedTokenCacheMisses)]).toEqual([4, 2]);
    expect(total(after, METRIC.sessionsCreated)).toBe(2);
  }, 60_000);

  it("config.telemetry must be a LatchTelemetry", () => {
    expect(() => latchWith({ telemetry: {} as never })).toThrow(ConfigError);
  });
});

describe("without telemetry", () => {
  it("records nothing, even with an SDK registered globally, and behaves exactly as with it", async () => {
    const global = sdk();
    trace.setGlobalTracerProvider(global.tracerProvider);
    metrics.setGlobalMeterProvider(global.meterProvider);
    const plain = await lifecycle(latchWith({}));
    expect(global.spans()).toEqual([]);
    expect([...(await global.metrics()).keys()]).toEqual([]);

    const { latch } = instrumented();
    const traced = await lifecycle(latch);
    expect(traced.seen).toEqual(plain.seen);
    // The second protected GET is answered without a promise either way.
    expect(plain.seen.filter(([step]) => step === "GET")).toEqual([
      ["GET", "promise", "alice"],
      ["GET", "session", "alice"],
    ]);
  }, 120_000);
});

/** A memory store under another name whose every call fails while `down` is set. */
function flakyStore(name: string) {
  const memory = new MemoryStore();
  const control: { down: boolean; cause: Error; failure: () => Error } = {
    down: false,
    cause: new Error("connect ECONNREFUSED"),
    failure: () => new StoreUnavailableError(name, { cause: control.cause }),
  };
  const store: SessionStore = new Proxy(memory, {
    get(target, property, receiver) {
      if (property === "name") return name;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return (...args: unknown[]) => (control.down ? Promise.reject(control.failure()) : value.apply(target, args));
    },
  });
  return Object.assign(control, { store });
}
