// OWASP ASVS v4 3.2.3 (tokens stored securely), 2.10.4 / 7.1.1 (no credentials or session tokens
// in logs), 3.5.x; RFC 9700 §4.14 (refresh tokens are credentials).
import { afterEach, describe, expect, it, vi } from "vitest";
import { Latch, MemoryStore } from "../../src/index";

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

  it("logs (every console method) and error messages carry no token, hash, anti-CSRF token or key", async () => {
    const lines: string[] = [];
    for (const method of ["debug", "log", "info", "warn", "error", "trace"] as const) {
      vi.spyOn(console, method).mockImplementation(
        (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" ")),
      );
    }
    const store = new MemoryStore();
    const latch = new Latch({
      store,
      appInfo: { apiDomain: "https://api.example.com" },
      jwtAlgorithm: "EdDSA",
      antiCsrf: "VIA_TOKEN",
      debug: true,
    });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u");
    const tokens = session.getAllSessionTokensDangerously();
    const refreshed = (
      await latch.refreshSessionWithoutRequestResponse(tokens.refreshToken ?? "", tokens.antiCsrfToken)
    ).getAllSessionTokensDangerously();
    const third = (
      await latch.refreshSessionWithoutRequestResponse(refreshed.refreshToken ?? "", refreshed.antiCsrfToken)
    ).getAllSessionTokensDangerously();
    const record = await store.getSession(session.getHandle());
    const errors: string[] = [];
    for (const attempt of [
      () => latch.refreshSessionWithoutRequestResponse(third.refreshToken ?? "", "wrong anti-csrf"),
      () => latch.refreshSessionWithoutRequestResponse(`${third.refreshToken}x`),
      () => latch.getSessionWithoutRequestResponse(`${third.accessToken}x`),
      () => latch.getSessionWithoutRequestResponse(third.accessToken, "wrong", { antiCsrfCheck: true }),
      () => latch.getSessionWithoutRequestResponse(third.refreshToken ?? ""),
      () => latch.refreshSessionWithoutRequestResponse(tokens.refreshToken ?? "", tokens.antiCsrfToken), // theft
      () => latch.refreshSessionWithoutRequestResponse(third.refreshToken ?? "", third.antiCsrfToken), // revoked
    ]) {
      const outcome = await attempt().then(
        () => undefined,
        (error: Error) => error,
      );
      expect(outcome, "every hostile attempt fails").toBeInstanceOf(Error);
      errors.push(`${outcome?.name}: ${outcome?.message} ${String(outcome?.cause ?? "")} ${JSON.stringify(outcome)}`);
    }
    expect(lines.length).toBeGreaterThan(0);
    const keys = (await store.getSigningKeys()).flatMap((k) => Object.values(JSON.parse(k.privateJwk) as Record<string, string>));
    const hashes = [tokens, refreshed, third].flatMap((t) => {
      const claims = JSON.parse(Buffer.from(t.accessToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
      return [claims.refreshTokenHash1, claims.parentRefreshTokenHash1];
    });
    const secrets = [
      ...[tokens, refreshed, third].flatMap((t) => [
        t.accessToken,
        t.accessToken.split(".")[2],
        t.antiCsrfToken,
        t.refreshToken,
        ...(t.refreshToken ?? "").split("."),
      ]),
      ...hashes,
      record?.refreshTokenHash2,
      record?.parentRefreshTokenHash2,
      record?.refreshTokenRotationKey,
      ...keys,
    ].filter((s): s is string => typeof s === "string" && s.length > 20 && !/^[0-9a-f-]{36}$/.test(s));
    expect(secrets.length).toBeGreaterThan(20);
    for (const text of [...lines, ...errors]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
