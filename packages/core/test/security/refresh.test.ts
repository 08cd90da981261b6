// RFC 9700 (OAuth 2.0 Security BCP) §4.14.2: refresh token rotation, reuse detection revokes the
// family; OWASP ASVS v4 3.3.1 (logout and expiry invalidate the session), 3.5.2.
import { describe, expect, it } from "vitest";
import { Latch, MemoryStore, TokenTheftError, UnauthorisedError } from "../../src/index";

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
