// Machine instructions per request of bench servers, counted by valgrind's callgrind: the same
// count for the same code on a busy or a quiet machine, so two builds or two servers compare
// without the run-to-run spread of req/s (up to 30% on a shared 2-core machine). Instructions
// are not time (cache misses, the GC's helper threads), so this complements pnpm bench.
//   node --import tsx bench/src/tools/instructions.ts [script] [kinds] [warm-up requests] [requests] [path]
// e.g. express-servers.ts bare,latch 3000 4000 "/protected". Two servers run at once (one per
// core); each takes a few minutes under valgrind. KEEP_DUMPS=1 keeps the callgrind files (for
// callgrind_annotate) and prints where they are.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { type LoadRequest, login, parseRequestTarget, type Server, startServer } from "../http-load";

const [script = "express-servers.ts", kindList = "bare,latch", warmArg = "3000", countArg = "4000", target = "/protected"] =
  process.argv.slice(2);
const { method, path } = parseRequestTarget(target);
const kinds = kindList.split(",");
const warm = Number(warmArg);
const count = Number(countArg);

// V8's collector by function name (scavenger, marker, sweeper, their worklists and page bookkeeping).
const GC_FUNCTION =
  /Scaveng|Marking|Sweep|MarkCompact|Evacuat|ConcurrentMark|RememberedSet|SlotSet|Worklist|MemoryChunk|ActiveSystemPages|heap::base|IncrementalMark/;

interface Count {
  kind: string;
  perRequest: number;
  gcPerRequest: number;
}

async function send(server: Server, request: LoadRequest, amount: number): Promise<void> {
  const result = await autocannon({
    url: `${server.url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    amount,
    connections: 10,
    timeout: 120,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
}

/** Self cost per function of one callgrind dump: the total and the part spent in V8's GC. */
function costs(file: string): { total: number; gc: number } {
  const report = execFileSync("callgrind_annotate", ["--threshold=100", "--inclusive=no", file], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const total = Number(/^([\d,]+) \(100\.0+%\)\s+PROGRAM TOTALS/m.exec(report)?.[1]?.replaceAll(",", "") ?? Number.NaN);
  let gc = 0;
  for (const line of report.split("\n")) {
    const match = /^\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (match?.[2] && GC_FUNCTION.test(match[2])) gc += Number(match[1]?.replaceAll(",", ""));
  }
  return { total, gc };
}

async function measure(kind: string, anyCookie: string): Promise<Count> {
  const dir = mkdtempSync(join(tmpdir(), "latch-callgrind-"));
  const valgrind = ["valgrind", "-q", "--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${join(dir, "cg.out")}`];
  const server = await startServer(script, kind, valgrind);
  try {
    const cookie = kind.startsWith("latch") ? (await login(server.url)).cookie : anyCookie;
    const request: LoadRequest = {
      method,
      path,
      headers: { cookie, "content-type": "application/json" },
      body: method === "POST" ? "{}" : undefined,
    };
    await send(server, request, warm); // JIT tiers and caches settle
    execFileSync("callgrind_control", ["--zero", String(server.pid)], { stdio: "ignore" });
    await send(server, request, count);
    execFileSync("callgrind_control", ["--dump=measured", String(server.pid)], { stdio: "ignore" });
    const dump = readdirSync(dir).find((name) => name.endsWith(".1"));
    if (!dump) throw new Error(`${kind}: callgrind wrote no dump`);
    const { total, gc } = costs(join(dir, dump));
    return { kind, perRequest: total / count, gcPerRequest: gc / count };
  } finally {
    await server.stop();
    if (process.env.KEEP_DUMPS === "1") console.log(`${kind}: callgrind files in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// Servers without a session of their own get a Latch cookie, so every server parses the same bytes.
const latchKind = kinds.find((kind) => kind.startsWith("latch")) ?? "latch";
const cookieServer = await startServer(script, latchKind);
const anyCookie = await login(cookieServer.url)
  .then((result) => result.cookie)
  .finally(() => cookieServer.stop());

const results: Count[] = [];
for (let i = 0; i < kinds.length; i += 2)
  results.push(...(await Promise.all(kinds.slice(i, i + 2).map((kind) => measure(kind, anyCookie)))));
const first = results[0];
for (const r of results) {
  const ratio = first ? (first.perRequest / r.perRequest).toFixed(2) : "";
  const ratioNoGc = first ? ((first.perRequest - first.gcPerRequest) / (r.perRequest - r.gcPerRequest)).toFixed(2) : "";
  console.log(
    `${r.kind}: ${Math.round(r.perRequest / 1000)}k instructions/request (GC ${Math.round(r.gcPerRequest / 1000)}k); ${first?.kind} ÷ it: ${ratio}x, without GC ${ratioNoGc}x`,
  );
}
