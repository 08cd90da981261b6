// OWASP ASVS v4 3.2.3 (tokens stored securely), 2.10.4 / 7.1.1 (no credentials or session tokens
// in logs), 3.5.x; RFC 9700 §4.14 (refresh tokens are credentials).
import { afterEach, describe, expect, it, vi } from "vitest";
import { Latch, MemoryStore } from "../../src/index";
import { timingSafeEqual } from "../../src/util/crypto";

describe("secrets", () => {
  afterEach(() => vi.restoreAllMocks());

  it("the store keeps no refresh token and no hash1: only hash2", async () => {
    const store = new MemoryStore();
    const latch = new Latch({ store, appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA" });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u");
    const first = session.getAllSessionTokensDangerously();
    const refreshed = (await latch.refreshSessionWithoutRequestResponse(first.refreshToken ?? "")).getAllSessionTokensDangerously();
    const row = JSON.stringify(await store.getSession(session.getHandle()));
    for (const token of [first, refreshed]) {
      const [, nonce = "", tag = ""] = (token.refreshToken ?? "").split(".");
      const hash1 = JSON.parse(Buffer.from(token.accessToken.split(".")[1] ?? "", "base64url").toString()).refreshTokenHash1 as string;
      expect(row).not.toContain(nonce);
      expect(row).not.toContain(tag);
      expect(row).not.toContain(hash1);
      expect(row).not.toContain(token.accessToken);
    }
  });

  it("debug logs and error messages carry no token, hash or key", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "debug").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const store = new MemoryStore();
    const latch = new Latch({ store, appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA", debug: true });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u");
    const tokens = session.getAllSessionTokensDangerously();
    const refreshed = (await latch.refreshSessionWithoutRequestResponse(tokens.refreshToken ?? "")).getAllSessionTokensDangerously();
    await latch.refreshSessionWithoutRequestResponse(refreshed.refreshToken ?? "");
    const errors: string[] = [];
    for (const attempt of [
      () => latch.refreshSessionWithoutRequestResponse(tokens.refreshToken ?? ""),
      () => latch.getSessionWithoutRequestResponse(`${tokens.accessToken}x`),
      () => latch.getSessionWithoutRequestResponse(tokens.refreshToken ?? ""),
    ]) {
      await attempt().catch((error: Error) => errors.push(`${error.name}: ${error.message} ${String(error.cause ?? "")}`));
    }
    expect(lines.length).toBeGreaterThan(0);
    const keys = (await store.getSigningKeys()).flatMap((k) => Object.values(JSON.parse(k.privateJwk) as Record<string, string>));
    const secrets = [
      tokens.accessToken,
      tokens.refreshToken,
      refreshed.refreshToken,
      ...(tokens.refreshToken ?? "").split("."),
      ...keys,
    ].filter((s): s is string => typeof s === "string" && s.length > 20 && !/^[0-9a-f-]{36}$/.test(s));
    for (const text of [...lines, ...errors]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });

  it("timingSafeEqual compares correctly, whatever the lengths", () => {
    expect(timingSafeEqual("abc", "abc")).toBe(true);
    expect(timingSafeEqual("abc", "abd")).toBe(false);
    expect(timingSafeEqual("abc", "ab")).toBe(false);
    expect(timingSafeEqual("", "")).toBe(true);
    expect(timingSafeEqual("é", "e")).toBe(false);
  });
});
