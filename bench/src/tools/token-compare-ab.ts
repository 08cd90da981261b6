// What the verified-token cache's constant-time compare of a whole access token costs, in machine
// instructions (stable on a busy machine): run once per way under callgrind, subtract "none".
//   for w in none strict js native portable; do valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$w \
//     node --import tsx bench/src/tools/token-compare-ab.ts $w 100000 2>&1 | grep Collected; done
// "strict" is the !== it replaced, "js" timingSafeEqual's loop over characters, "native" Node's
// path of ComparableSecret, "portable" its path elsewhere (edge runtimes).
// The ways are written out here, as core's ComparableSecret and timingSafeEqual do them
// (packages/core/src/util/crypto.ts), since a probe may not import core's internals.
import { timingSafeEqual as nativeTimingSafeEqual } from "node:crypto";

const encoder = new TextEncoder();

function loopOverCharacters(a: string, b: string): boolean {
  const other = a.length === b.length ? b : a;
  let diff = a.length === b.length ? 0 : 1;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ other.charCodeAt(i);
  return diff === 0;
}

function loopOverBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const way = process.argv[2] ?? "native";
const calls = Number(process.argv[3] ?? 100_000);
// The shape of an RS256 access token of about 900 characters, as it arrives: a slice of the Cookie header.
const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImQtMTIzIiwidHlwIjoiSldUIn0.${"x".repeat(500)}.${"s".repeat(342)}`;
const cookieHeader = `sAccessToken=${token}; sFrontToken=x`;
const tokenBuffer = Buffer.from(token, "utf8");
const tokenBytes = encoder.encode(token);
const compare: Record<string, (raw: string) => boolean> = {
  none: (raw) => raw.length > 0,
  strict: (raw) => raw === token,
  js: (raw) => loopOverCharacters(raw, token),
  native: (raw) => {
    const bytes = Buffer.from(raw, "utf8");
    return bytes.length === tokenBuffer.length && nativeTimingSafeEqual(bytes, tokenBuffer);
  },
  // ComparableSecret's path where there is no node:crypto (edge runtimes).
  portable: (raw) => {
    const bytes = encoder.encode(raw);
    return bytes.length === tokenBytes.length && loopOverBytes(bytes, tokenBytes);
  },
};
const run = compare[way];
if (!run) throw new Error(`way must be one of ${Object.keys(compare).join(", ")}`);
let equal = 0;
for (let i = 0; i < calls; i++) if (run(cookieHeader.slice(13, 13 + token.length))) equal++;
if (equal !== calls) throw new Error("a compare failed");
console.log(`${way}: ${calls} compares`);
