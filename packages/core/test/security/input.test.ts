// OWASP ASVS v4 5.1.3/5.1.4 (input validated into typed errors), 5.5.x (safe deserialisation, no
// prototype pollution): hostile userIds, payloads and session data through the public API. Every
// refusal is an InvalidInputError (a 400 over HTTP), never an untyped error, and nothing reaches
// Object.prototype.
import { afterEach, describe, expect, it } from "vitest";
import { InvalidInputError, Latch, MemoryStore } from "../../src/index";

function setup() {
  const store = new MemoryStore();
  return { store, latch: new Latch({ store, appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA" }) };
}

const circular: Record<string, unknown> = { a: 1 };
circular.self = circular;
const proto = () => JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;

/** Values that are not plain JSON objects, or not within limits; `as never` because the API's types already forbid them. */
const HOSTILE_OBJECTS: Array<[string, unknown]> = [
  ["an own __proto__ key", proto()],
  ["a nested __proto__ key", { a: [proto()] }],
  ["a cycle", circular],
  ["a Date", { at: new Date() }],
  ["a Map", { m: new Map() }],
  ["undefined", { u: undefined }],
  ["a function", { f: () => 1 }],
  ["a symbol", { s: Symbol("x") }],
  ["a BigInt", { n: 10n }],
  ["NaN", { n: Number.NaN }],
  ["Infinity", { n: Number.POSITIVE_INFINITY }],
  ["an array", [1, 2]],
  ["a string", "text"],
  ["a class instance", new (class Payload {})()],
  ["1 MB", { blob: "x".repeat(1024 * 1024) }],
  ["deep nesting", JSON.parse(`${"[".repeat(100)}${"]".repeat(100)}`.replace(/^\[/, '{"a":[').replace(/\]$/, "]}"))],
];

afterEach(() => {
  expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe("hostile input", () => {
  it("user ids: non-string, empty, 10 KB, NUL, newline and other control characters are InvalidInputError", async () => {
    const { latch } = setup();
    for (const userId of [42, null, undefined, {}, ["u"], "", "x".repeat(10_240), "a\u0000b", "a\nb", "a\rb", "a\u007fb", "a\tb"]) {
      await expect(
        latch.createNewSessionWithoutRequestResponse("public", userId as never),
        JSON.stringify(userId)?.slice(0, 30),
      ).rejects.toThrow(InvalidInputError);
    }
    for (const userId of ["ünïcødé 🎉", "a b", "x".repeat(512), "' OR 1=1 --"]) {
      await expect(latch.createNewSessionWithoutRequestResponse("public", userId)).resolves.toBeTruthy();
    }
  });

  it("access-token payloads: reserved claims, non-JSON values, cycles, __proto__ and 1 MB are InvalidInputError", async () => {
    const { latch } = setup();
    for (const claim of [
      "sub",
      "exp",
      "iat",
      "nbf",
      "iss",
      "sessionHandle",
      "refreshTokenHash1",
      "parentRefreshTokenHash1",
      "antiCsrfToken",
      "tId",
      "rsub",
      "aud",
    ]) {
      await expect(latch.createNewSessionWithoutRequestResponse("public", "u", { [claim]: "x" })).rejects.toThrow(InvalidInputError);
    }
    for (const [what, payload] of HOSTILE_OBJECTS) {
      await expect(latch.createNewSessionWithoutRequestResponse("public", "u", payload as never), what).rejects.toThrow(InvalidInputError);
    }
  });

  it("session data, at creation and on update, likewise", async () => {
    const { latch } = setup();
    for (const [what, data] of HOSTILE_OBJECTS) {
      await expect(latch.createNewSessionWithoutRequestResponse("public", "u", {}, data as never), what).rejects.toThrow(InvalidInputError);
    }
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u");
    for (const [what, data] of HOSTILE_OBJECTS) {
      await expect(session.updateSessionDataInDatabase(data as never), what).rejects.toThrow(InvalidInputError);
      await expect(latch.updateSessionDataInDatabase(session.getHandle(), data as never), what).rejects.toThrow(InvalidInputError);
    }
  });

  it("payload merges: reserved claims and hostile values are refused, on the session and by handle", async () => {
    const { latch } = setup();
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u", { keep: 1 });
    for (const [what, patch] of [...HOSTILE_OBJECTS, ["a reserved claim", { sub: "admin" }] as [string, unknown]]) {
      await expect(session.mergeIntoAccessTokenPayload(patch as never), what).rejects.toThrow(InvalidInputError);
      await expect(latch.mergeIntoAccessTokenPayload(session.getHandle(), patch as never), what).rejects.toThrow(InvalidInputError);
    }
    expect(session.getAccessTokenPayload().keep).toBe(1);
    expect(session.getAccessTokenPayload().sub).toBe("u");
  });

  it("constructor and prototype keys are plain data: stored, returned, and never reach a prototype", async () => {
    const { latch, store } = setup();
    const plain = { constructor: { prototype: { polluted: true } }, prototype: { polluted: true }, toString: "x" };
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u", plain, plain);
    await session.mergeIntoAccessTokenPayload({ constructor: { prototype: { polluted: 2 } } });
    const payload = session.getAccessTokenPayload();
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(payload.constructor).toEqual({ prototype: { polluted: 2 } });
    expect(await session.getSessionDataFromDatabase()).toEqual(plain);
    const verified = await latch.getSessionWithoutRequestResponse(session.getAccessToken());
    expect(verified.getAccessTokenPayload().toString).toBe("x");
    const record = await store.getSession(session.getHandle());
    expect(Object.getPrototypeOf(record?.accessTokenPayload)).toBe(Object.prototype);
  });
});

describe("the promise-returning API never throws synchronously on bad input", () => {
  it("every call rejects with InvalidInputError, so `.catch()` and error middleware see it", async () => {
    const { latch } = setup();
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["createNewSessionWithoutRequestResponse", () => latch.createNewSessionWithoutRequestResponse("public", 42 as never)],
      ["revokeSession", () => latch.revokeSession(7 as never)],
      ["revokeAllSessionsForUser", () => latch.revokeAllSessionsForUser("")],
      ["revokeMultipleSessions", () => latch.revokeMultipleSessions("not an array" as never)],
      ["getAllSessionHandlesForUser", () => latch.getAllSessionHandlesForUser("a\u0000b")],
      ["getSessionInformation", () => latch.getSessionInformation("")],
      ["updateSessionDataInDatabase", () => latch.updateSessionDataInDatabase("h", proto() as never)],
      ["mergeIntoAccessTokenPayload", () => latch.mergeIntoAccessTokenPayload("h", undefined as never)],
    ];
    for (const [name, call] of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }, `${name} threw synchronously`).not.toThrow();
      await expect(promise, name).rejects.toThrow(InvalidInputError);
    }
  });
});
