// The request hot path: getSessionMaybeSync (no promise for a token verified before) and the
// bindings of native request/response objects to their wrappers.
import { describe, expect, it } from "vitest";
import {
  bindBaseObjects,
  boundBaseObjects,
  Latch,
  MemoryStore,
  SessionContainer,
  TryRefreshTokenError,
  UnauthorisedError,
} from "../src/index";
import { RecordingRequest, RecordingResponse } from "./support/recording-http";

async function signedIn(overrides: Partial<ConstructorParameters<typeof Latch>[0]> = {}) {
  const latch = new Latch({
    store: new MemoryStore(),
    appInfo: { apiDomain: "http://127.0.0.1:3000" },
    jwtAlgorithm: "EdDSA",
    ...overrides,
  });
  const session = await latch.createNewSessionWithoutRequestResponse("public", "alice");
  const { accessToken } = session.getAllSessionTokensDangerously();
  const get = () => new RecordingRequest("GET", { cookie: `sAccessToken=${accessToken}` });
  return { latch, session, get };
}

describe("getSessionMaybeSync", () => {
  it("answers a token verified before without a promise, and a new one with a promise", async () => {
    const { latch, get } = await signedIn();
    const first = latch.getSessionMaybeSync(get(), new RecordingResponse());
    expect(first).toBeInstanceOf(Promise);
    expect((await first)?.getUserId()).toBe("alice");
    const second = latch.getSessionMaybeSync(get(), new RecordingResponse());
    expect(second).toBeInstanceOf(SessionContainer);
    expect((second as SessionContainer).getUserId()).toBe("alice");
  });

  it("throws the protocol's errors synchronously on the synchronous path", async () => {
    const { latch, get } = await signedIn({ antiCsrf: "VIA_CUSTOM_HEADER" });
    await latch.getSession(get(), new RecordingResponse());
    expect(() => latch.getSessionMaybeSync(new RecordingRequest("GET", {}), new RecordingResponse())).toThrow(UnauthorisedError);
    expect(latch.getSessionMaybeSync(new RecordingRequest("GET", {}), new RecordingResponse(), { sessionRequired: false })).toBeUndefined();
    // A cached token on a POST still needs its anti-CSRF check (VIA_CUSTOM_HEADER: the rid header).
    const post = new RecordingRequest("POST", { cookie: get().headers.cookie as string });
    expect(() => latch.getSessionMaybeSync(post, new RecordingResponse())).toThrow(TryRefreshTokenError);
    // getSession keeps its contract: errors reject, never throw.
    await expect(latch.getSession(new RecordingRequest("GET", {}), new RecordingResponse())).rejects.toThrow(UnauthorisedError);
  });

  it("takes the full path when the store or claim validators must be asked", async () => {
    const { latch, session, get } = await signedIn();
    await latch.getSession(get(), new RecordingResponse());
    await latch.revokeSession(session.getHandle());
    const checked = latch.getSessionMaybeSync(get(), new RecordingResponse(), { checkDatabase: true });
    expect(checked).toBeInstanceOf(Promise);
    await expect(checked).rejects.toThrow(UnauthorisedError);
    const validated = latch.getSessionMaybeSync(get(), new RecordingResponse(), { overrideGlobalClaimValidators: () => [] });
    expect(validated).toBeInstanceOf(Promise);
    // Revoked through this instance, so refused on the full path too (fleet revocation is on with MemoryStore).
    await expect(validated).rejects.toThrow(UnauthorisedError);
  });
});

describe("bindings of native objects", () => {
  it("finds the wrappers bound to a native request and response", () => {
    const request = new RecordingRequest("GET", {});
    const response = new RecordingResponse();
    const nativeRequest = {};
    const nativeResponse = {};
    expect(boundBaseObjects(nativeRequest, nativeResponse)).toBeUndefined();
    bindBaseObjects(nativeRequest, request, nativeResponse, response);
    expect(boundBaseObjects(nativeRequest, nativeResponse)).toEqual({ request, response });
    // Nothing shows in the object's own keys or JSON (a symbol-keyed property).
    expect(Object.keys(nativeRequest)).toEqual([]);
    expect(JSON.stringify(nativeResponse)).toBe("{}");
  });

  it("binds frozen objects too (they cannot take a property)", async () => {
    const { latch, get } = await signedIn();
    const nativeRequest = Object.freeze({ kind: "frozen request" });
    const nativeResponse = Object.freeze({ kind: "frozen response" });
    const request = get();
    bindBaseObjects(nativeRequest, request, nativeResponse, new RecordingResponse());
    expect(boundBaseObjects(nativeRequest, nativeResponse)?.request).toBe(request);
    expect((await latch.getSession(nativeRequest, nativeResponse)).getUserId()).toBe("alice");
  });

  it("one object may be bound as both the request and the response (hapi, Lambda)", () => {
    const native = {};
    const request = new RecordingRequest("GET", {});
    const response = new RecordingResponse();
    bindBaseObjects(native, request, native, response);
    expect(boundBaseObjects(native, native)).toEqual({ request, response });
  });
});
