import { describe, expect, it } from "vitest";
import { normaliseConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import { MemoryStore } from "../src/store/memory-store";

const base = { store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" } };

describe("config", () => {
  it("fills the protocol's defaults", () => {
    const config = normaliseConfig(base);
    expect(config).toMatchObject({
      apiBasePath: "/auth",
      issuer: "https://api.example.com/auth",
      refreshPath: "/auth/session/refresh",
      cookieSecure: true,
      cookieSameSite: "lax",
      antiCsrf: "NONE",
      accessTokenValiditySeconds: 3600,
      refreshTokenValidityMs: 144000 * 60_000,
      jwtAlgorithm: "RS256",
      sessionExpiredStatusCode: 401,
      invalidClaimStatusCode: 403,
    });
  });

  it.each([
    ["https://api.example.com", "https://www.example.com", "lax"],
    ["https://api.example.co.uk", "https://www.example.co.uk", "lax"],
    ["https://a.example.co.uk", "https://b.other.co.uk", "none"],
    ["https://api.example.com", "http://www.example.com", "none"],
    ["https://api.example.com", "https://example.org", "none"],
    ["http://127.0.0.1:3000", "http://localhost:5173", "none"],
    ["http://localhost:3000", "http://localhost:5173", "lax"],
  ])("API %s with website %s: SameSite %s", (apiDomain, websiteDomain, sameSite) => {
    const config = normaliseConfig({ ...base, appInfo: { apiDomain, websiteDomain } });
    expect(config.cookieSameSite).toBe(sameSite);
    expect(config.antiCsrf).toBe(sameSite === "none" ? "VIA_CUSTOM_HEADER" : "NONE");
  });

  it("normalises the base path", () => {
    expect(normaliseConfig({ ...base, appInfo: { ...base.appInfo, apiBasePath: "api/auth/" } }).refreshPath).toBe(
      "/api/auth/session/refresh",
    );
  });

  it.each([
    [{ sessionExpiredStatusCode: 403 }, /must differ/],
    [{ jwtAlgorithm: "HS256" }, /jwtAlgorithm/],
    [{ antiCsrf: "SOMETIMES" }, /antiCsrf/],
    [{ accessTokenValidity: -1 }, /accessTokenValidity/],
    [{ refreshTokenValidity: 1, accessTokenValidity: 3600 }, /longer/],
  ])("rejects %o", (extra, message) => {
    expect(() => normaliseConfig({ ...base, ...(extra as object) })).toThrow(ConfigError);
    expect(() => normaliseConfig({ ...base, ...(extra as object) })).toThrow(message);
  });

  it("requires a store and an apiDomain", () => {
    expect(() => normaliseConfig({ appInfo: base.appInfo } as never)).toThrow(/store/);
    expect(() => normaliseConfig({ store: base.store, appInfo: {} } as never)).toThrow(/apiDomain/);
  });
});
