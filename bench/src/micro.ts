import { generateKeyPair, jwtVerify, SignJWT } from "jose";

export interface MicroResult {
  algorithm: string;
  signPerSecond: number;
  verifyPerSecond: number;
}

async function opsPerSecond(seconds: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  let count = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await op();
    count++;
  }
  return Math.round(count / seconds);
}

/** Access-token sign and verify with jose, per algorithm, with a payload the size of Latch's. */
export async function micro(seconds: number): Promise<MicroResult[]> {
  const payload = {
    sub: "bench-user",
    sessionHandle: "3cc60dd7-9ce4-4aa4-aec9-43908dbffabc",
    refreshTokenHash1: "26c3456c43833d97ed8a9751937b7b82c9b82eae9e69865231ddcf07189340ac",
    parentRefreshTokenHash1: null,
    antiCsrfToken: null,
    tId: "public",
    rsub: "bench-user",
    iss: "http://127.0.0.1:3000/auth",
  };
  const results: MicroResult[] = [];
  for (const algorithm of ["RS256", "ES256", "EdDSA"]) {
    const { privateKey, publicKey } = await generateKeyPair(algorithm);
    const sign = () =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: algorithm, kid: "k", typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
    const token = await sign();
    results.push({
      algorithm,
      signPerSecond: await opsPerSecond(seconds, sign),
      verifyPerSecond: await opsPerSecond(seconds, () => jwtVerify(token, publicKey, { algorithms: [algorithm] })),
    });
  }
  return results;
}
