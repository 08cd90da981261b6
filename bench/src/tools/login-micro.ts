// Latch's own CPU per session creation, in process (no HTTP, memory store), per algorithm: the
// part of a login that is Latch's, for optimising. 50 creations in flight at a time.
//   taskset -c 1 node --import tsx bench/src/tools/login-micro.ts [creations]
import { Latch, MemoryStore, type SigningAlgorithm } from "@latch/core";

const creations = Number(process.argv[2] ?? 5000);
for (const jwtAlgorithm of ["RS256", "ES256", "EdDSA"] as SigningAlgorithm[]) {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm });
  for (let i = 0; i < 200; i++) await latch.createNewSessionWithoutRequestResponse("public", "bench-user"); // warm-up, keys
  const before = process.cpuUsage();
  for (let i = 0; i < creations; i += 50) {
    await Promise.all(Array.from({ length: 50 }, () => latch.createNewSessionWithoutRequestResponse("public", "bench-user")));
  }
  const used = process.cpuUsage(before);
  console.log(`${jwtAlgorithm}: ${((used.user + used.system) / creations).toFixed(1)} µs CPU per createNewSession`);
  await latch.close();
}
