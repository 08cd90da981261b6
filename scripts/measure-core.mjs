// Quick throughput figures for the closing notes (not a benchmark suite; bench/ is its own issue):
// createNewSession/s and verify/s per algorithm, on the memory store or LATCH_STORE (sqlite:<path>).
// Usage: node scripts/measure-core.mjs [seconds per figure, default 3]
import { Latch, MemoryStore } from "../packages/core/dist/index.js";

const seconds = Number(process.argv[2] ?? 3);

async function storeFor(url) {
  if (!url || url === "memory:") return new MemoryStore();
  const { storeFromUrl } = await import("../apps/example-config/dist/index.js");
  return storeFromUrl(url);
}

async function rate(label, fn) {
  for (let i = 0; i < 50; i++) await fn(); // warm-up (and key generation)
  const end = performance.now() + seconds * 1000;
  let count = 0;
  while (performance.now() < end) {
    await Promise.all(Array.from({ length: 16 }, fn));
    count += 16;
  }
  const perSecond = Math.round(count / seconds);
  console.log(`${label.padEnd(44)} ${String(perSecond).padStart(8)} /s`);
  return perSecond;
}

console.log(`node ${process.version}, store ${process.env.LATCH_STORE ?? "memory:"}, ${seconds}s per figure`);
for (const jwtAlgorithm of ["RS256", "ES256", "EdDSA"]) {
  const latch = new Latch({
    store: await storeFor(process.env.LATCH_STORE),
    appInfo: { apiDomain: "http://127.0.0.1:3000" },
    jwtAlgorithm,
  });
  let n = 0;
  await rate(`createNewSession (${jwtAlgorithm})`, () => latch.createNewSessionWithoutRequestResponse("public", `user-${n++ % 1000}`));
  const session = await latch.createNewSessionWithoutRequestResponse("public", "verify-user", { role: "user" });
  const token = session.getAllSessionTokensDangerously().accessToken;
  await rate(`verify access token (${jwtAlgorithm})`, () => latch.getSessionWithoutRequestResponse(token));
  await latch.close();
}
