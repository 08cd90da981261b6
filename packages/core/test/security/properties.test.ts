// Property-based tests (fast-check): the parsers that read attacker-controlled input never throw
// an untyped error, and the codecs round-trip. RFC 6265bis §5.6 (parsing the Cookie header).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCookieHeader, serializeCookie } from "../../src/http/cookies";
import { parseAccessToken } from "../../src/tokens/access-token";
import { decodeFrontToken, encodeFrontToken } from "../../src/tokens/front-token";
import { parseRefreshToken } from "../../src/tokens/refresh-token";

const cookieName = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const cookieValue = fc.stringMatching(/^[A-Za-z0-9._~-]{0,40}$/);

describe("cookie header parser", () => {
  it("never throws, on any string", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (header) => void parseCookieHeader(header)));
  });

  it("round-trips what serializeCookie writes, duplicates in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 10 }), (pairs) => {
        const header = pairs.map(([name, value]) => `${name}=${value}`).join("; ");
        const parsed = parseCookieHeader(header);
        for (const [name] of pairs) {
          expect(parsed.get(name)).toEqual(pairs.filter(([n]) => n === name).map(([, v]) => v));
        }
      }),
    );
  });

  it("a serialised cookie's name=value parses back", () => {
    fc.assert(
      fc.property(cookieName, cookieValue, (name, value) => {
        const setCookie = serializeCookie({ name, value, expires: 0, path: "/", secure: true, httpOnly: true, sameSite: "lax" });
        const pair = setCookie.slice(0, setCookie.indexOf(";"));
        expect(parseCookieHeader(pair).get(name)).toEqual([value]);
      }),
    );
  });
});

describe("token parsers", () => {
  it("parseAccessToken never throws and accepts nothing that is not three base64url parts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (raw) => {
        const parsed = parseAccessToken(raw);
        if (parsed) expect(raw.split(".")).toHaveLength(3);
      }),
    );
    const part = fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/);
    fc.assert(
      fc.property(part, part, part, (a, b, c) => {
        expect(parseAccessToken(`${a}.${b}.${c}`)).toBeUndefined();
      }),
    );
  });

  it("parseRefreshToken never throws", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), (raw) => void parseRefreshToken(raw)));
  });
});

describe("front token codec", () => {
  const json = fc
    .jsonValue({ maxDepth: 3 })
    .filter((v): v is Record<string, never> => typeof v === "object" && v !== null && !Array.isArray(v));

  it("round-trips any JSON payload and user id, unicode included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 0 }), json, (uid, ate, up) => {
        const info = { uid, ate, up };
        expect(decodeFrontToken(encodeFrontToken(info))).toEqual(JSON.parse(JSON.stringify(info)));
      }),
    );
  });

  it("decodes any string without throwing", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (raw) => void decodeFrontToken(raw)));
  });
});
