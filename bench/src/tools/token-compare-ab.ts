// What the verified-token cache's constant-time compare of a whole access token costs, in machine
// instructions (stable on a busy machine): run once per way under callgrind, subtract "none".
//   for w in none strict js native portable; do valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$w \
//     node --import tsx bench/src/tools/token-compare-ab.ts $w 100000 2>&1 | grep Collected; done
// "strict" is the !== it replaced, "js" timingSafeEqual's loop over characters, "native" Node's
// path of ComparableSecret, "portable" its path elsewhere (edge runtimes).
import { bytesEqual, ComparableSecret, timingSafeEqual } from "../../../packages/core/src/util/crypto";
import { utf8Bytes } from "../../../packages/core/src/util/encoding";

const way = process.argv[2] ?? "native";
const calls = Number(process.argv[3] ?? 100_000);
// The shape of an RS256 access token of about 900 characters, as it arrives: a slice of the Cookie header.
const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImQtMTIzIiwidHlwIjoiSldUIn0.${"x".repeat(500)}.${"s".repeat(342)}`;
const cookieHeader = `sAccessToken=${token}; sFrontToken=x`;
const cached = new ComparableSecret(token);
const tokenBytes = utf8Bytes(token);
const compare: Record<string, (raw: string) => boolean> = {
  none: (raw) => raw.length > 0,
  strict: (raw) => raw === token,
  js: (raw) => timingSafeEqual(raw, token),
  native: (raw) => cached.equals(raw),
  // ComparableSecret's path where there is no node:crypto (edge runtimes).
  portable: (raw) => {
    const bytes = utf8Bytes(raw);
    return bytes.length === tokenBytes.length && bytesEqual(bytes, tokenBytes);
  },
};
const run = compare[way];
if (!run) throw new Error(`way must be one of ${Object.keys(compare).join(", ")}`);
let equal = 0;
for (let i = 0; i < calls; i++) if (run(cookieHeader.slice(13, 13 + token.length))) equal++;
if (equal !== calls) throw new Error("a compare failed");
console.log(`${way}: ${calls} compares`);
