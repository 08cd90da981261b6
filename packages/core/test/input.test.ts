import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../src/errors";
import { decodeFrontToken, encodeFrontToken } from "../src/tokens/front-token";
import { toJsonObject } from "../src/util/json";

describe("toJsonObject", () => {
  it("returns a deep copy of plain JSON, unicode included", () => {
    const input = { a: [1, "ü", { b: null }], emoji: "🎉", nested: { deep: true } };
    const copy = toJsonObject(input, "x", 1000);
    expect(copy).toEqual(input);
    expect(copy.nested).not.toBe(input.nested);
  });

  it.each([
    ["an array", [1]],
    ["null", null],
    ["a string", "x"],
    ["a Date", new Date()],
    ["a Map", new Map()],
  ])("rejects %s at the top", (_name, value) => {
    expect(() => toJsonObject(value, "payload", 1000)).toThrow(InvalidInputError);
  });

  it.each([
    ["undefined", { a: undefined }],
    ["a function", { a: () => 1 }],
    ["NaN", { a: Number.NaN }],
    ["Infinity", { a: Number.POSITIVE_INFINITY }],
    ["a bigint", { a: 1n }],
    ["a nested Date", { a: { b: new Date() } }],
    ["a symbol", { a: Symbol("x") }],
  ])("rejects %s inside", (_name, value) => {
    expect(() => toJsonObject(value, "payload", 1000)).toThrow(InvalidInputError);
  });

  it("rejects cycles", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJsonObject(cyclic, "payload", 1000)).toThrow(/circular/);
  });

  it("rejects __proto__ keys and does not pollute prototypes", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(() => toJsonObject(hostile, "payload", 1000)).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(toJsonObject({ constructor: "fine" }, "payload", 1000)).toEqual({ constructor: "fine" });
  });

  it("rejects values over the byte limit, counting UTF-8 bytes", () => {
    expect(() => toJsonObject({ a: "é".repeat(10) }, "payload", 20)).toThrow(/over the limit of 20/);
  });

  it("rejects nesting deeper than the limit", () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    expect(() => toJsonObject(root, "payload", 1_000_000)).toThrow(/deeper/);
  });
});

describe("front token", () => {
  it("is standard base64 of the JSON and round-trips unicode", () => {
    const info = { uid: "üser 🎉", ate: 1_700_000_000_000, up: { sub: "üser 🎉", iat: 1 } };
    const encoded = encodeFrontToken(info);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(Buffer.from(encoded, "base64").toString("utf8"))).toEqual(info);
    expect(decodeFrontToken(encoded)).toEqual(info);
  });

  it("decodes garbage to undefined", () => {
    for (const value of ["", "remove", "!!!", Buffer.from("[1]").toString("base64"), Buffer.from('{"uid":1}').toString("base64")]) {
      expect(decodeFrontToken(value)).toBeUndefined();
    }
  });
});
