// Property-based tests (fast-check): the parsers that read attacker-controlled input never throw
// (or, through the API, only throw Latch's typed errors), and the codecs round-trip.
// RFC 6265bis §5.6 (parsing the Cookie header), RFC 8725 §3.1/§3.10 (parse, then verify, never
// trust), RFC 9700 §4.14.2 (a refresh token that is not the server's is merely unauthorised).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCookieHeader, serializeCookie } from "../../src/http/cookies";
import { isLatchError, Latch, MemoryStore } from "../../src/index";
import { PROTECTED_CLAIMS, parseAccessToken } from "../../src/tokens/access-token";
import { decodeFrontToken, encodeFrontToken } from "../../src/tokens/front-token";
import { issueRefreshToken, parseRefreshToken } from "../../src/tokens/refresh-token";
import { randomToken, randomUuid } from "../../src/util/crypto";

// Generous timeouts: a loaded 2-core CI machine runs these next to the conformance apps.
const SLOW = { timeout: 60_000 };
const cookieName = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const cookieValue = fc.stringMatching(/^[A-Za-z0-9._~-]{0,40}$/);
const anyText = fc.string({ unit: "binary", maxLength: 400 });
const userPayload = fc
  .dictionary(
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== "__proto__" && !(PROTECTED_CLAIMS as readonly string[]).includes(k)),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 5 },
  )
  // Core refuses "__proto__" keys at any depth (a typed error, tested in input.test.ts); nested
  // JSON values may hold one, so those payloads are not the app claims this property is about.
  .filter((p) => JSON.stringify(p).length < 1500 && !JSON.stringify(p).includes('"__proto__":'))
  .map((p) => JSON.parse(JSON.stringify(p)) as Record<string, never>);

function latch() {
  return new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA" });
}

describe("cookie header parser", () => {
  it("never throws, and never yields an empty name, a name with '=' or ';', or a value with ';'", SLOW, () => {
    fc.assert(
      fc.property(anyText, (header) => {
        for (const [name, values] of parseCookieHeader(header)) {
          expect(name.length).toBeGreaterThan(0);
          expect(name).not.toMatch(/[=;]/);
          for (const value of values) expect(value.includes(";") && !value.includes("%")).toBe(false);
        }
      }),
    );
  });

  it("round-trips name=value pairs, duplicates in order, whatever junk surrounds them", SLOW, () => {
    const junk = fc.constantFrom("", ";", " ; ", ";;", "noequals;", "=x;");
    fc.assert(
      fc.property(fc.array(fc.tuple(cookieName, cookieValue, junk), { maxLength: 10 }), (pairs) => {
        const header = pairs.map(([name, value, extra]) => `${extra}${name}=${value}`).join("; ");
        const parsed = parseCookieHeader(header);
        for (const [name] of pairs) {
          expect(parsed.get(name)).toEqual(pairs.filter(([n]) => n === name).map(([, v]) => v));
        }
      }),
    );
  });

  it("a serialised cookie's name=value parses back", SLOW, () => {
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
  it("parseAccessToken never throws and accepts nothing that is not three base64url parts of Latch's shape", SLOW, () => {
    fc.assert(
      fc.property(anyText, (raw) => {
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

  it("a signed access token parses back to exactly its payload, whatever the app's claims", SLOW, async () => {
    const instance = latch();
    await fc.assert(
      fc.asyncProperty(userPayload, async (payload) => {
        const session = await instance.createNewSessionWithoutRequestResponse("public", "u", payload);
        const parsed = parseAccessToken(session.getAccessToken());
        expect(parsed?.payload).toEqual(session.getAccessTokenPayload());
        for (const [key, value] of Object.entries(payload)) expect(parsed?.payload[key]).toEqual(value);
      }),
      { numRuns: 30 },
    );
  });

  it("parseRefreshToken never throws, and round-trips every token the server issues", SLOW, async () => {
    fc.assert(fc.property(anyText, (raw) => void parseRefreshToken(raw)));
    for (let i = 0; i < 50; i++) {
      const handle = randomUuid();
      const token = await issueRefreshToken(handle, randomToken());
      const parsed = parseRefreshToken(token);
      expect(parsed?.sessionHandle).toBe(handle);
      expect(`${parsed?.sessionHandle}.${parsed?.nonce}.${parsed?.tag}`).toBe(token);
    }
  });
});

describe("verification and refresh, through the API, on arbitrary input", () => {
  it("getSessionWithoutRequestResponse only ever rejects with unauthorised or try refresh token", SLOW, async () => {
    const instance = latch();
    const valid = (await instance.createNewSessionWithoutRequestResponse("public", "u")).getAccessToken();
    const [header = "", payload = "", signature = ""] = valid.split(".");
    const mutated = fc
      .tuple(
        fc.integer({ min: 0, max: payload.length - 2 }),
        fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      )
      .filter(([at, char]) => payload[at] !== char)
      .map(([at, char]) => `${header}.${payload.slice(0, at)}${char}${payload.slice(at + 1)}.${signature}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, mutated), async (token) => {
        const outcome = await instance.getSessionWithoutRequestResponse(token).then(
          () => "accepted",
          (error: unknown) => error,
        );
        expect(isLatchError(outcome), String(outcome)).toBe(true);
        expect(["UNAUTHORISED", "TRY_REFRESH_TOKEN"]).toContain((outcome as { code: string }).code);
      }),
      { numRuns: 200 },
    );
  });

  it("refreshSessionWithoutRequestResponse only ever rejects with unauthorised, and never revokes the real session", SLOW, async () => {
    const instance = latch();
    const session = await instance.createNewSessionWithoutRequestResponse("public", "u");
    const handle = session.getHandle();
    const forged = fc
      .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.stringMatching(/^[A-Za-z0-9_-]{22}$/))
      .map(([n, t]) => `${handle}.${n}.${t}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, forged), async (token) => {
        const outcome = await instance.refreshSessionWithoutRequestResponse(token).then(
          () => "accepted",
          (error: unknown) => error,
        );
        expect((outcome as { code?: string }).code, String(outcome)).toBe("UNAUTHORISED");
      }),
      { numRuns: 200 },
    );
    expect(await instance.getSessionInformation(handle)).toBeDefined();
  });
});

describe("front token codec", () => {
  const json = fc
    .jsonValue({ maxDepth: 3 })
    .filter((v): v is Record<string, never> => typeof v === "object" && v !== null && !Array.isArray(v));

  it("round-trips any JSON payload and user id, unicode included", SLOW, () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.integer({ min: 0 }), json, (uid, ate, up) => {
        const info = { uid, ate, up };
        expect(decodeFrontToken(encodeFrontToken(info))).toEqual(JSON.parse(JSON.stringify(info)));
      }),
    );
  });

  it("decodes any string, or base64 of any JSON, without throwing, to undefined or a well-typed value", SLOW, () => {
    const base64Json = fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v)).toString("base64"));
    fc.assert(
      fc.property(fc.oneof(anyText, base64Json), (raw) => {
        const info = decodeFrontToken(raw);
        if (info) {
          expect(typeof info.uid).toBe("string");
          expect(typeof info.ate).toBe("number");
          expect(typeof info.up === "object" && info.up !== null).toBe(true);
        }
      }),
    );
  });
});
