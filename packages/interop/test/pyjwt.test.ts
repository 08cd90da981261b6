import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Latch, MemoryStore } from "@latch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LatchServer, startLatchServer } from "./latch-server";

/**
 * The Python recipe (services/verify_latch_session.py, in docs/protocol.md) run with Debian's
 * python3-jwt against a Latch app's JWKS. /usr/bin/python3 is Debian's, whatever else is on PATH.
 */
const script = fileURLToPath(new URL("../services/verify_latch_session.py", import.meta.url));
const run = promisify(execFile);

async function verifyInPython(origin: string, token: string): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  try {
    const { stdout } = await run("/usr/bin/python3", [script, origin, token], { timeout: 30_000 });
    return { ok: true, result: JSON.parse(stdout) };
  } catch (error) {
    const stdout = (error as { stdout?: string }).stdout ?? "";
    if (!stdout) throw error;
    return { ok: false, result: JSON.parse(stdout) };
  }
}

describe("PyJWT (Debian python3-jwt) verifies Latch sessions", { timeout: 60_000 }, () => {
  const store = new MemoryStore();
  let server: LatchServer;
  let shortLived: Latch;

  beforeAll(async () => {
    server = await startLatchServer({ store });
    shortLived = new Latch({ store, appInfo: { apiDomain: server.origin }, accessTokenValidity: 1 });
  });
  afterAll(() => server?.close());

  it("accepts a session: user id, tenant, handle and payload", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("acme", "py-user", { plan: "pro" });
    const { ok, result } = await verifyInPython(server.origin, session.getAllSessionTokensDangerously().accessToken);
    expect(ok).toBe(true);
    expect(result).toMatchObject({ userId: "py-user", tenantId: "acme", sessionHandle: session.getHandle(), payload: { plan: "pro" } });
  });

  it("refuses a tampered token, another issuer's token and an expired one", async () => {
    const session = await server.latch.createNewSessionWithoutRequestResponse("public", "py-user");
    const [header, payload, signature] = session.getAllSessionTokensDangerously().accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url");
    expect(await verifyInPython(server.origin, `${header}.${forged}.${signature}`)).toEqual({
      ok: false,
      result: { error: "InvalidSignatureError" },
    });

    // Same keys (same store), but issued for another API domain: the iss check refuses it.
    const elsewhere = new Latch({ store, appInfo: { apiDomain: "https://other.example" } });
    const foreign = await elsewhere.createNewSessionWithoutRequestResponse("public", "py-user");
    expect(await verifyInPython(server.origin, foreign.getAllSessionTokensDangerously().accessToken)).toEqual({
      ok: false,
      result: { error: "InvalidIssuerError" },
    });

    const expiring = await shortLived.createNewSessionWithoutRequestResponse("public", "py-user");
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await verifyInPython(server.origin, expiring.getAllSessionTokensDangerously().accessToken)).toEqual({
      ok: false,
      result: { error: "ExpiredSignatureError" },
    });
  });
});
