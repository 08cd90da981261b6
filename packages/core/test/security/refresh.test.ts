// RFC 9700 (OAuth 2.0 Security BCP) §4.14.2: refresh token rotation, reuse detection revokes the
// family; OWASP ASVS v4 3.3.1 (logout and expiry invalidate the session), 3.5.2.
import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, Latch, MemoryStore, TokenTheftError, UnauthorisedError } from "../../src/index";

function setup() {
  const store = new MemoryStore();
  return { store, latch: new Latch({ store, appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA" }) };
}

describe("refresh token abuse", () => {
  it("reuse after two rotations revokes every session of the family and only that one", async () => {
    const { latch } = setup();
    const victim = await latch.createNewSessionWithoutRequestResponse("public", "u1");
    const sibling = await latch.createNewSessionWithoutRequestResponse("public", "u1");
    const stolen = victim.getAllSessionTokensDangerously().refreshToken ?? "";
    const next = (await latch.refreshSessionWithoutRequestResponse(stolen)).getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(next);
    await expect(latch.refreshSessionWithoutRequestResponse(stolen)).rejects.toThrow(TokenTheftError);
    expect(await latch.getAllSessionHandlesForUser("u1")).toEqual([sibling.getHandle()]);
  });

  it("an access token, garbage, or another session's token is not a refresh token", async () => {
    const { latch } = setup();
    const session = await latch.createNewSessionWithoutRequestResponse("public", "u2");
    const other = await latch.createNewSessionWithoutRequestResponse("public", "u3");
    const { accessToken, refreshToken = "" } = session.getAllSessionTokensDangerously();
    const [, nonce, tag] = refreshToken.split(".");
    const otherHandle = other.getHandle();
    for (const token of [
      accessToken,
      "",
      "garbage",
      "a.b.c",
      `${otherHandle}.${nonce}.${tag}`,
      `${refreshToken}x`,
      refreshToken.toUpperCase(),
    ]) {
      await expect(latch.refreshSessionWithoutRequestResponse(token)).rejects.toThrow(UnauthorisedError);
    }
    // None of that touched either session.
    expect(await latch.getSessionInformation(session.getHandle())).toBeDefined();
    expect(await latch.getSessionInformation(otherHandle)).toBeDefined();
  });

  it("refreshing a revoked or expired session is unauthorised", async () => {
    const { latch, store } = setup();
    const revoked = await latch.createNewSessionWithoutRequestResponse("public", "u4");
    await latch.revokeSession(revoked.getHandle());
    await expect(latch.refreshSessionWithoutRequestResponse(revoked.getAllSessionTokensDangerously().refreshToken ?? "")).rejects.toThrow(
      UnauthorisedError,
    );
    const expired = await latch.createNewSessionWithoutRequestResponse("public", "u5");
    const record = await store.getSession(expired.getHandle());
    if (!record) throw new Error("no record");
    await store.revokeSessions([record.sessionHandle]);
    await store.createSession({ ...record, expiresAt: Date.now() - 1 });
    await expect(latch.refreshSessionWithoutRequestResponse(expired.getAllSessionTokensDangerously().refreshToken ?? "")).rejects.toThrow(
      UnauthorisedError,
    );
  });
});

// What a reader of the session table (a leaked backup, a read-only SQL injection) can do with a
// row's refresh-token rotation key: mint a refresh token that passes the authenticity check. Not
// the current one (that needs a preimage of hash2), so the minted token reads as an old one: theft,
// and the victim's session is revoked. With refreshTokenSecret the row alone is not enough.
describe("refresh tokens minted from a read of the session table", () => {
  const SECRET = "a server-side secret of at least thirty-two characters";
  const OLDER_SECRET = "the secret this deployment used before, also 32+ chars";

  function latchWith(store: MemoryStore, refreshTokenSecret?: string | string[]) {
    return new Latch({ store, appInfo: { apiDomain: "https://api.example.com" }, jwtAlgorithm: "EdDSA", refreshTokenSecret });
  }

  /** What the reader can make: `<handle>.<nonce>.<tag>` with the tag under the row's key. */
  async function mintFromRow(store: MemoryStore, sessionHandle: string): Promise<string> {
    const row = await store.getSession(sessionHandle);
    if (!row) throw new Error("no row");
    const nonce = randomBytes(32).toString("base64url");
    const tag = createHmac("sha256", Buffer.from(row.refreshTokenRotationKey, "base64url"))
      .update(`tag:${sessionHandle}.${nonce}`)
      .digest("base64url")
      .slice(0, 22);
    return `${sessionHandle}.${nonce}.${tag}`;
  }

  it("without a secret, a token minted from the row passes as one of the family's and revokes the session (the documented limit)", async () => {
    const store = new MemoryStore();
    const latch = latchWith(store);
    const victim = await latch.createNewSessionWithoutRequestResponse("public", "v1");
    await expect(latch.refreshSessionWithoutRequestResponse(await mintFromRow(store, victim.getHandle()))).rejects.toThrow(TokenTheftError);
    expect(await latch.getSessionInformation(victim.getHandle())).toBeUndefined();
  });

  it("with a secret, a token minted from the row is merely unauthorised, and the session lives on", async () => {
    const store = new MemoryStore();
    const latch = latchWith(store, SECRET);
    const victim = await latch.createNewSessionWithoutRequestResponse("public", "v2");
    const row = await store.getSession(victim.getHandle());
    expect(row?.refreshTokenRotationKey.startsWith("s.")).toBe(true);
    // Also with the prefix taken as part of the key, in case the reader guesses the format.
    const minted = await mintFromRow(store, victim.getHandle());
    const withoutPrefix = await (async () => {
      const nonce = randomBytes(32).toString("base64url");
      const key = Buffer.from((row?.refreshTokenRotationKey ?? "").slice(2), "base64url");
      const tag = createHmac("sha256", key).update(`tag:${victim.getHandle()}.${nonce}`).digest("base64url").slice(0, 22);
      return `${victim.getHandle()}.${nonce}.${tag}`;
    })();
    for (const token of [minted, withoutPrefix]) {
      await expect(latch.refreshSessionWithoutRequestResponse(token)).rejects.toThrow(UnauthorisedError);
      await expect(latch.refreshSessionWithoutRequestResponse(token)).rejects.not.toThrow(TokenTheftError);
    }
    const refreshed = await latch.refreshSessionWithoutRequestResponse(victim.getAllSessionTokensDangerously().refreshToken ?? "");
    expect(refreshed.getHandle()).toBe(victim.getHandle());
  });

  it("turning the secret on keeps older sessions; rotating it keeps the sessions of the older secret; removing it ends them", async () => {
    const store = new MemoryStore();
    const before = await latchWith(store).createNewSessionWithoutRequestResponse("public", "v3");
    const underOlder = await latchWith(store, OLDER_SECRET).createNewSessionWithoutRequestResponse("public", "v4");
    const rotated = latchWith(store, [SECRET, OLDER_SECRET]);
    const refreshedBefore = await rotated.refreshSessionWithoutRequestResponse(before.getAllSessionTokensDangerously().refreshToken ?? "");
    const refreshedOlder = await rotated.refreshSessionWithoutRequestResponse(
      underOlder.getAllSessionTokensDangerously().refreshToken ?? "",
    );
    // Their children keep working too, and a retry within the grace period gets the same child.
    const retry = await rotated.refreshSessionWithoutRequestResponse(underOlder.getAllSessionTokensDangerously().refreshToken ?? "");
    expect(retry.getAllSessionTokensDangerously().refreshToken).toBe(refreshedOlder.getAllSessionTokensDangerously().refreshToken);
    await rotated.refreshSessionWithoutRequestResponse(refreshedBefore.getAllSessionTokensDangerously().refreshToken ?? "");
    const next = await rotated.refreshSessionWithoutRequestResponse(refreshedOlder.getAllSessionTokensDangerously().refreshToken ?? "");
    // A server without the secret cannot refresh a session made under it: unauthorised, never theft.
    await expect(
      latchWith(store).refreshSessionWithoutRequestResponse(next.getAllSessionTokensDangerously().refreshToken ?? ""),
    ).rejects.toThrow(UnauthorisedError);
    expect(await rotated.getSessionInformation(underOlder.getHandle())).toBeDefined();
  });

  it("refuses a short or empty secret at start-up", () => {
    for (const secret of ["short", "", [], ["x".repeat(31)]]) {
      expect(() => latchWith(new MemoryStore(), secret as string | string[])).toThrow(ConfigError);
    }
  });
});
