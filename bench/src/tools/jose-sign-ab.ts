// jose's SignJWT against CompactSign over the same payload (what core's signAccessToken uses since
// OPTIMISATIONS.md entry 11): checks that both give the same header and payload, then CPU per
// signature, alternated rounds, medians.
//   taskset -c 1 node --import tsx bench/src/tools/jose-sign-ab.ts
import { CompactSign, generateKeyPair, SignJWT } from "jose";
import { median } from "./median";

const encoder = new TextEncoder();
const payload = {
  sub: "bench-user",
  iat: 1,
  exp: 3601,
  iss: "http://127.0.0.1:3000/auth",
  sessionHandle: crypto.randomUUID(),
  refreshTokenHash1: "a".repeat(64),
  parentRefreshTokenHash1: null,
  antiCsrfToken: null,
  tId: "public",
  rsub: "bench-user",
};

for (const alg of ["ES256", "EdDSA", "RS256"]) {
  const { privateKey } = await generateKeyPair(alg);
  const header = { alg, kid: "k1", typ: "JWT" };
  const ways = {
    SignJWT: () => new SignJWT(payload).setProtectedHeader(header).sign(privateKey),
    CompactSign: () => new CompactSign(encoder.encode(JSON.stringify(payload))).setProtectedHeader(header).sign(privateKey),
  };
  type Way = keyof typeof ways;
  const headerAndPayload = (token: string) => token.split(".").slice(0, 2).join(".");
  if (headerAndPayload(await ways.SignJWT()) !== headerAndPayload(await ways.CompactSign())) throw new Error(`${alg}: the tokens differ`);
  const signatures = alg === "RS256" ? 2_000 : 10_000;
  const cpu: Record<Way, number[]> = { SignJWT: [], CompactSign: [] };
  for (let round = 0; round < 6; round++) {
    const order: Way[] = round % 2 === 0 ? ["SignJWT", "CompactSign"] : ["CompactSign", "SignJWT"];
    for (const name of order) {
      const before = process.cpuUsage();
      for (let i = 0; i < signatures; i += 50) await Promise.all(Array.from({ length: 50 }, ways[name]));
      const used = process.cpuUsage(before);
      cpu[name].push((used.user + used.system) / signatures);
    }
  }
  console.log(
    `${alg}: ${Object.entries(cpu)
      .map(([name, list]) => `${name} ${median(list).toFixed(1)} µs (runs ${list.map((v) => v.toFixed(0)).join(" ")})`)
      .join("; ")}`,
  );
}
