import { createHash } from "node:crypto";
import { Latch, type SessionContainer } from "@latch/core";
import { afterEach, describe, expect, it } from "vitest";
import type { StoreConformanceOptions, StoreUnderTest } from "./index";

// OWASP ASVS v4 3.2.3 / 2.10.4 (credentials stored protected), RFC 9700 §4.14 (refresh tokens are
// credentials): what a reader of the database sees after real sessions have lived on the store.
// The raw dump (rows, keys, values, as the service holds them) must contain no refresh token, none
// of its parts, no hash1 (the access token carries it), no access token and no anti-CSRF token; it
// must contain hash2 (so the dump is the real data, and the check can fail).

/** A store under test plus a look at its backing data the way a database reader would see it. */
export interface StoreWithRawView extends StoreUnderTest {
  /** Every row, key and value the store keeps, as text (table dumps, Redis values). */
  dumpRaw(): Promise<string>;
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

/** Every secret a session handed to its client, and the hash2 the store should keep instead. */
function secretsOf(session: SessionContainer): { secrets: string[]; hash2: string } {
  const tokens = session.getAllSessionTokensDangerously();
  const refreshToken = tokens.refreshToken ?? "";
  const [, nonce = "", tag = ""] = refreshToken.split(".");
  const claims = claimsOf(tokens.accessToken);
  const secrets = [refreshToken, nonce, tag, tokens.accessToken, tokens.accessToken.split(".")[2] ?? "", tokens.antiCsrfToken ?? ""];
  for (const claim of ["refreshTokenHash1", "parentRefreshTokenHash1", "antiCsrfToken"]) {
    if (typeof claims[claim] === "string") secrets.push(claims[claim] as string);
  }
  return { secrets: secrets.filter((s) => s.length >= 16), hash2: sha256Hex(sha256Hex(refreshToken)) };
}

/**
 * Registers the "secrets at rest" check for one store: Latch runs real sessions on it (create,
 * rotate twice, a parallel retry, a payload change), then the raw dump is searched for every
 * secret a client holds.
 */
export function runStoreSecretChecks(name: string, factory: () => Promise<StoreWithRawView>, options: StoreConformanceOptions = {}): void {
  const suite = options.skip ? describe.skip : describe;
  suite(`${name}: secrets at rest (ASVS 3.2.3, RFC 9700 §4.14)${options.skip ? ` (skipped: ${options.skip})` : ""}`, () => {
    let current: StoreWithRawView | undefined;
    afterEach(async () => {
      const finished = current;
      current = undefined;
      if (!finished) return;
      try {
        await finished.store.close();
      } finally {
        await finished.cleanup?.();
      }
    });

    it("rows keep only hash2 of refresh tokens: no token, token part, hash1, access or anti-CSRF token", {
      timeout: options.timeout ?? 30_000,
    }, async () => {
      current = await factory();
      const latch = new Latch({ store: current.store, appInfo: { apiDomain: "https://api.example.com" }, antiCsrf: "VIA_TOKEN" });
      const handed: string[] = [];
      const live: string[] = [];
      for (let i = 0; i < 3; i++) {
        let session = await latch.createNewSessionWithoutRequestResponse("public", `secret-user-${i}`, { plan: "pro" }, { cart: [i] });
        handed.push(...secretsOf(session).secrets);
        for (let rotation = 0; rotation < 2; rotation++) {
          const { refreshToken = "", antiCsrfToken } = session.getAllSessionTokensDangerously();
          const [next] = await Promise.all([
            latch.refreshSessionWithoutRequestResponse(refreshToken, antiCsrfToken),
            latch.refreshSessionWithoutRequestResponse(refreshToken, antiCsrfToken),
          ]);
          session = next;
          handed.push(...secretsOf(session).secrets);
        }
        await session.mergeIntoAccessTokenPayload({ step: "merged" });
        handed.push(...secretsOf(session).secrets);
        live.push(secretsOf(session).hash2, session.getHandle());
      }
      const dump = await current.dumpRaw();
      for (const expected of live) expect(dump, "the dump must hold the live sessions (else it proves nothing)").toContain(expected);
      const leaked = [...new Set(handed)].filter((secret) => dump.includes(secret));
      expect(leaked, "secrets found in the store's raw data").toEqual([]);
    });
  });
}
