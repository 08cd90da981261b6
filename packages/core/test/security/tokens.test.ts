// RFC 8725 (JSON Web Token Best Current Practices) §2.1, §3.1 (algorithm verification), §3.2 (use
// appropriate algorithms), §3.8-3.9 (issuer and audience), §3.10 (do not trust received claims);
// OWASP ASVS v4 3.5.3 (stateless tokens use signatures and are protected from tampering).
import { createHmac } from "node:crypto";
import { importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { Latch, MemoryStore, TryRefreshTokenError, UnauthorisedError } from "../../src/index";

const b64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

let latch: Latch;
let store: MemoryStore;
let valid: string;
let privateJwk: JWK;
let publicJwk: JWK;

beforeAll(async () => {
  store = new MemoryStore();
  latch = new Latch({ store, appInfo: { apiDomain: "https://api.example.com" } });
  const session = await latch.createNewSessionWithoutRequestResponse("public", "victim", { role: "user" });
  valid = session.getAllSessionTokensDangerously().accessToken;
  const [key] = await store.getSigningKeys();
  privateJwk = JSON.parse(key?.privateJwk ?? "{}") as JWK;
  publicJwk = JSON.parse(key?.publicJwk ?? "{}") as JWK;
});

function parts(token: string) {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>,
    signature,
  };
}

/** Signs claims with the server's real private key (what only a key leak would allow), for claim checks. */
async function signWithRealKey(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = await importJWK(privateJwk, "RS256");
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: publicJwk.kid, typ: "JWT", ...header }).sign(key);
}

/** Every hostile token must be refused with one of the two protocol errors, never accepted, never another error. */
async function expectRefused(token: string, expected: typeof TryRefreshTokenError | typeof UnauthorisedError = TryRefreshTokenError) {
  const outcome = await latch.getSessionWithoutRequestResponse(token).then(
    () => "accepted",
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(expected);
}

describe("hostile access tokens", () => {
  it("the valid token passes (control)", async () => {
    await expect(latch.getSessionWithoutRequestResponse(valid)).resolves.toBeTruthy();
  });

  it("tampered payload", async () => {
    const { header, payload, signature } = parts(valid);
    await expectRefused(`${b64url(header)}.${b64url({ ...payload, sub: "admin" })}.${signature}`);
    await expectRefused(`${b64url(header)}.${b64url({ ...payload, role: "admin" })}.${signature}`);
    await expectRefused(`${b64url(header)}.${b64url({ ...payload, exp: (payload.exp as number) + 3600 })}.${signature}`);
  });

  it("tampered header", async () => {
    const { header, payload, signature } = parts(valid);
    await expectRefused(`${b64url({ ...header, typ: "at+jwt" })}.${b64url(payload)}.${signature}`);
    await expectRefused(`${b64url({ ...header, crit: ["exp"] })}.${b64url(payload)}.${signature}`);
  });

  it("alg none, with and without a signature", async () => {
    const { header, payload } = parts(valid);
    await expectRefused(`${b64url({ ...header, alg: "none" })}.${b64url(payload)}.`, UnauthorisedError);
    await expectRefused(`${b64url({ ...header, alg: "none" })}.${b64url(payload)}.${b64url("x")}`);
    await expectRefused(`${b64url({ ...header, alg: "NONE" })}.${b64url(payload)}.${b64url("x")}`);
  });

  it("HS256 signed with the public key as the HMAC secret (algorithm confusion)", async () => {
    const { header, payload } = parts(valid);
    for (const secret of [JSON.stringify(publicJwk), publicJwk.n ?? ""]) {
      const signingInput = `${b64url({ ...header, alg: "HS256" })}.${b64url({ ...payload, sub: "admin" })}`;
      const signature = createHmac("sha256", secret).update(signingInput).digest("base64url");
      await expectRefused(`${signingInput}.${signature}`);
    }
  });

  it("unknown kid, and kid path or SQL tricks", async () => {
    const { header, payload, signature } = parts(valid);
    for (const kid of ["no-such-key", "../../../etc/passwd", "' OR '1'='1", "x\u0000y", "k".repeat(5000)]) {
      await expectRefused(`${b64url({ ...header, kid })}.${b64url(payload)}.${signature}`);
    }
  });

  it("a valid signature with the wrong issuer", async () => {
    const { payload } = parts(valid);
    await expectRefused(await signWithRealKey({ ...payload, iss: "https://evil.example.com/auth" }));
    const withoutIssuer = { ...payload };
    delete withoutIssuer.iss;
    await expectRefused(await signWithRealKey(withoutIssuer));
  });

  it("expired, and not yet valid", async () => {
    const { payload } = parts(valid);
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await signWithRealKey({ ...payload, iat: now - 7200, exp: now - 3600 }));
    await expectRefused(await signWithRealKey({ ...payload, nbf: now + 3600 }));
  });

  it("a valid JWT from a different key set", async () => {
    const other = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" } });
    const foreign = await other.createNewSessionWithoutRequestResponse("public", "victim");
    await expectRefused(foreign.getAllSessionTokensDangerously().accessToken);
  });

  it("truncated, huge, and not base64url", async () => {
    await expectRefused(valid.slice(0, valid.length - 10));
    await expectRefused(valid.slice(0, valid.lastIndexOf(".")), UnauthorisedError);
    await expectRefused(`${valid}.${valid}`, UnauthorisedError);
    await expectRefused(`${valid.split(".")[0]}.${"A".repeat(100_000)}.${valid.split(".")[2]}`, UnauthorisedError);
    await expectRefused(valid.replace(/\./, ".!"), UnauthorisedError);
    await expectRefused("", UnauthorisedError);
    await expectRefused("a.b.c", UnauthorisedError);
  });

  it("claims of the wrong type", async () => {
    const { payload } = parts(valid);
    await expectRefused(await signWithRealKey({ ...payload, sub: 42 }), UnauthorisedError);
    await expectRefused(await signWithRealKey({ ...payload, sessionHandle: null }), UnauthorisedError);
  });
});
