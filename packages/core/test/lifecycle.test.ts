import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  InvalidInputError,
  Latch,
  type LatchConfig,
  MemoryStore,
  type SessionStore,
  StoreError,
  StoreUnavailableError,
  TokenTheftError,
  TryRefreshTokenError,
  UnauthorisedError,
} from "../src/index";

function latchWith(overrides: Partial<LatchConfig> = {}, store: SessionStore = new MemoryStore()) {
  return new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", ...overrides });
}

describe("sessions without a request or response", () => {
  it("create, verify, refresh and revoke", async () => {
    // Fleet revocation off, to show what verification alone does (fleet-revocation.test.ts has it on).
    const latch = latchWith({ fleetRevocation: false });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "alice", { plan: "pro" }, { cart: [] });
    const tokens = session.getAllSessionTokensDangerously();
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.accessAndFrontTokenUpdated).toBe(true);
    expect(tokens.accessTokenCookie).toMatchObject({ name: "sAccessToken", path: "/", httpOnly: true, secure: false, sameSite: "lax" });
    expect(tokens.refreshTokenCookie).toMatchObject({ name: "sRefreshToken", path: "/auth/session/refresh" });

    const verified = await latch.getSessionWithoutRequestResponse(tokens.accessToken);
    expect(verified.getUserId()).toBe("alice");
    expect(verified.getTenantId()).toBe("public");
    expect(verified.getAccessTokenPayload().plan).toBe("pro");
    expect(await verified.getSessionDataFromDatabase()).toEqual({ cart: [] });

    const refreshed = await latch.refreshSessionWithoutRequestResponse(tokens.refreshToken ?? "");
    const next = refreshed.getAllSessionTokensDangerously();
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(refreshed.getAccessTokenPayload().plan).toBe("pro");

    expect(await latch.revokeSession(session.getHandle())).toBe(true);
    await expect(latch.refreshSessionWithoutRequestResponse(next.refreshToken ?? "")).rejects.toThrow(UnauthorisedError);
    // Verification stays stateless: the access token lives until it expires...
    await expect(latch.getSessionWithoutRequestResponse(next.accessToken)).resolves.toBeTruthy();
    // ...unless the caller asks the store.
    await expect(latch.getSessionWithoutRequestResponse(next.accessToken, undefined, { checkDatabase: true })).rejects.toThrow(
      UnauthorisedError,
    );
  });

  it("detects theft when a token two rotations old comes back, and revokes the family", async () => {
    const latch = latchWith();
    const session = await latch.createNewSessionWithoutRequestResponse("public", "bob");
    const first = session.getAllSessionTokensDangerously().refreshToken ?? "";
    const second = (await latch.refreshSessionWithoutRequestResponse(first)).getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(second);
    const theft = await latch.refreshSessionWithoutRequestResponse(first).catch((e: unknown) => e);
    expect(theft).toBeInstanceOf(TokenTheftError);
    expect((theft as TokenTheftError).sessionHandle).toBe(session.getHandle());
    expect(await latch.getSessionInformation(session.getHandle())).toBeUndefined();
  });

  it("treats the parent after its grace period as theft", async () => {
    const latch = latchWith({ refreshTokenGracePeriod: 0 });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "carol");
    const first = session.getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(latch.refreshSessionWithoutRequestResponse(first)).rejects.toThrow(TokenTheftError);
  });

  it("serves parallel refreshes of one token with one child", async () => {
    const latch = latchWith();
    const session = await latch.createNewSessionWithoutRequestResponse("public", "dave");
    const token = session.getAllSessionTokensDangerously().refreshToken ?? "";
    const results = await Promise.all(Array.from({ length: 10 }, () => latch.refreshSessionWithoutRequestResponse(token)));
    expect(new Set(results.map((s) => s.getAllSessionTokensDangerously().refreshToken)).size).toBe(1);
  });

  it("rejects bad input with InvalidInputError", async () => {
    const latch = latchWith();
    const bad: Array<[string, unknown, unknown]> = [
      ["public", 42, {}],
      ["public", "", {}],
      ["public", "x".repeat(10_000), {}],
      ["public", "a\u0000b", {}],
      ["public", "a\nb", {}],
      ["no spaces allowed", "u", {}],
      ["public", "u", { sub: "root" }],
      ["public", "u", { exp: 1 }],
      ["public", "u", [1, 2]],
      ["public", "u", { big: "x".repeat(5000) }],
    ];
    for (const [tenantId, userId, payload] of bad) {
      await expect(
        latch.createNewSessionWithoutRequestResponse(tenantId, userId as string, payload as Record<string, never>),
      ).rejects.toThrow(InvalidInputError);
    }
    await expect(latch.createNewSessionWithoutRequestResponse("public", "u", {}, { huge: "x".repeat(70_000) })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it("merges into the payload of a live session and keeps it across refresh", async () => {
    const latch = latchWith();
    const session = await latch.createNewSessionWithoutRequestResponse("public", "erin", { a: 1, b: 2 });
    await session.mergeIntoAccessTokenPayload({ b: null, c: 3 });
    expect(session.getAccessTokenPayload()).toMatchObject({ a: 1, c: 3 });
    expect(session.getAccessTokenPayload()).not.toHaveProperty("b");
    await expect(session.mergeIntoAccessTokenPayload({ sessionHandle: "x" })).rejects.toThrow(InvalidInputError);
    const refreshed = await latch.refreshSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().refreshToken ?? "");
    expect(refreshed.getAccessTokenPayload()).toMatchObject({ a: 1, c: 3 });
    expect(await latch.mergeIntoAccessTokenPayload(session.getHandle(), { d: 4 })).toBe(true);
    const info = await latch.getSessionInformation(session.getHandle());
    expect(info?.customClaimsInAccessTokenPayload).toEqual({ a: 1, c: 3, d: 4 });
  });

  it("lists and revokes by user and tenant", async () => {
    const latch = latchWith();
    await latch.createNewSessionWithoutRequestResponse("public", "frank");
    await latch.createNewSessionWithoutRequestResponse("t1", "frank");
    await latch.createNewSessionWithoutRequestResponse("public", "other");
    expect(await latch.getAllSessionHandlesForUser("frank")).toHaveLength(2);
    expect(await latch.getAllSessionHandlesForUser("frank", "t1")).toHaveLength(1);
    expect(await latch.revokeAllSessionsForUser("frank", "public")).toHaveLength(1);
    expect(await latch.getAllSessionHandlesForUser("frank")).toHaveLength(1);
    expect(await latch.getAllSessionHandlesForUser("other")).toHaveLength(1);
  });
});

describe("signing keys", () => {
  it("are shared through the store: one server verifies what another signed", async () => {
    const store = new MemoryStore();
    const a = latchWith({}, store);
    const b = latchWith({}, store);
    const session = await a.createNewSessionWithoutRequestResponse("public", "gina");
    const verified = await b.getSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().accessToken);
    expect(verified.getUserId()).toBe("gina");
    expect((await a.getJWKS()).keys.map((k) => k.kid)).toEqual((await b.getJWKS()).keys.map((k) => k.kid));
  });

  it("rotate after the interval, and the old key keeps verifying its tokens", async () => {
    const store = new MemoryStore();
    // 0.0005 hours = 1.8 s
    const latch = latchWith({ signingKeyRotationInterval: 0.0005 }, store);
    const before = await latch.createNewSessionWithoutRequestResponse("public", "hank");
    await new Promise((resolve) => setTimeout(resolve, 1900));
    const after = await latch.createNewSessionWithoutRequestResponse("public", "hank");
    const kid = (token: string) => JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid as string;
    const oldToken = before.getAllSessionTokensDangerously().accessToken;
    const newToken = after.getAllSessionTokensDangerously().accessToken;
    expect(kid(newToken)).not.toBe(kid(oldToken));
    expect((await latch.getJWKS()).keys).toHaveLength(2);
    await expect(latch.getSessionWithoutRequestResponse(oldToken)).resolves.toBeTruthy();
  });

  it("sign a plain JWT that any JOSE library verifies from the JWKS", async () => {
    for (const jwtAlgorithm of ["RS256", "ES256", "EdDSA"] as const) {
      const latch = latchWith({ jwtAlgorithm });
      const session = await latch.createNewSessionWithoutRequestResponse("public", "iris", { plan: "pro" });
      const token = session.getAllSessionTokensDangerously().accessToken;
      const jwks = createLocalJWKSet({ keys: (await latch.getJWKS()).keys as JWK[] });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, {
        algorithms: [jwtAlgorithm],
        issuer: "http://127.0.0.1:3000/auth",
        subject: "iris",
        typ: "JWT",
      });
      expect(Object.keys(decodeProtectedHeader(token)).sort()).toEqual(["alg", "kid", "typ", "version"]);
      expect(protectedHeader.alg).toBe(jwtAlgorithm);
      expect(payload).toMatchObject({ plan: "pro", tId: "public", rsub: "iris", sessionHandle: session.getHandle() });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
    }
  });

  it("accepts only the configured algorithm", async () => {
    const store = new MemoryStore();
    const ed = latchWith({ jwtAlgorithm: "EdDSA" }, store);
    const es = latchWith({ jwtAlgorithm: "ES256" }, store);
    const session = await ed.createNewSessionWithoutRequestResponse("public", "ivy");
    await expect(es.getSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().accessToken)).rejects.toThrow(
      TryRefreshTokenError,
    );
  });
});

describe("store failures", () => {
  /** A store whose every call fails the way the given error says. */
  function failingStore(error: () => Error): SessionStore {
    const memory = new MemoryStore();
    return new Proxy(memory, {
      get(target, property, receiver) {
        if (property === "name") return "failing";
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" && property !== "close" ? () => Promise.reject(error()) : value;
      },
    });
  }

  it("pass StoreUnavailableError through and write nothing", async () => {
    const latch = latchWith(
      {},
      failingStore(() => new StoreUnavailableError("failing")),
    );
    await expect(latch.createNewSessionWithoutRequestResponse("public", "jo")).rejects.toThrow(StoreUnavailableError);
  });

  it("wrap untyped driver errors in StoreError, keeping the cause", async () => {
    const latch = latchWith(
      {},
      failingStore(() => new Error("driver exploded")),
    );
    const error = await latch.getAllSessionHandlesForUser("jo").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).cause).toBeInstanceOf(Error);
  });
});
