// Core hashes and encodes with Node's crypto and Buffer when it runs on Node, and with Web Crypto
// and btoa elsewhere (edge runtimes, browsers). Tokens made by one runtime are checked by another
// (an Express API and a Next.js middleware share sessions), so both paths must give the same bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  hmacSha256Base64Url,
  nodeHmacSha256Base64Url,
  nodeSha256Hex,
  randomBytes,
  sha256Hex,
  webHmacSha256Base64Url,
  webSha256Hex,
} from "../../src/util/crypto";
import { base64Encode, base64UrlEncode, webBase64Encode } from "../../src/util/encoding";
import { nodeBuffer, nodeCrypto } from "../../src/util/native";

const key = "q2bYyZ2P6JbQ4U0lKx7m3G1N8c5R9sTzVwXaBdEfHiK"; // 32 bytes, base64url

describe("runtime-native crypto", () => {
  it("is used on Node (the fast path this test compares against Web Crypto)", () => {
    expect(nodeCrypto).toBeDefined();
    expect(nodeBuffer).toBeDefined();
  });

  it("SHA-256 hex: Node and Web Crypto agree, on known vectors and any text", { timeout: 60_000 }, async () => {
    const crypto = nodeCrypto as NonNullable<typeof nodeCrypto>;
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await webSha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary" }), async (text) => {
        expect(nodeSha256Hex(crypto, text)).toBe(await webSha256Hex(text));
      }),
    );
  });

  it("HMAC-SHA-256 base64url: Node and Web Crypto agree", async () => {
    const crypto = nodeCrypto as NonNullable<typeof nodeCrypto>;
    // RFC 4231 test case 2 ("Jefe"), key given as base64url.
    const jefe = "SmVmZQ";
    const expected = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM";
    expect(await hmacSha256Base64Url(jefe, "what do ya want for nothing?")).toBe(expected);
    expect(await webHmacSha256Base64Url(jefe, "what do ya want for nothing?")).toBe(expected);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary" }), async (message) => {
        expect(nodeHmacSha256Base64Url(crypto, key, message)).toBe(await webHmacSha256Base64Url(key, message));
      }),
    );
  });

  it("random bytes from the pool: the asked length, never the same bytes twice, across refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const bytes = randomBytes(32);
      expect(bytes.length).toBe(32);
      const hexBytes = Buffer.from(bytes).toString("hex");
      expect(seen.has(hexBytes)).toBe(false);
      seen.add(hexBytes);
    }
    // Slices are copies: changing one never changes the next.
    const a = randomBytes(16);
    a.fill(0);
    expect(randomBytes(16).some((byte) => byte !== 0)).toBe(true);
    expect(randomBytes(5000).length).toBe(5000);
  });

  it("base64 and base64url: Buffer and the portable path agree, on any bytes and views", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(8), (bytes, offset) => {
        const view = bytes.subarray(Math.min(offset, bytes.length));
        const portable = webBase64Encode(view);
        expect(base64Encode(view)).toBe(portable);
        expect(base64UrlEncode(view)).toBe(portable.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
      }),
    );
  });
});
