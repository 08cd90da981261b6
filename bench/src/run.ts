// pnpm bench: every scenario side by side in one run, ratios against peers measured in the same
// run, results written to bench/RESULTS.md and bench/results.svg. Not a test: nothing here gates CI.
import { execFileSync, execSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { ADAPTER_BENCHES, type AdapterBench } from "./adapters";
import { type Bar, chart } from "./chart";
import { ADAPTER_PAIRS, coldImports, withFramework } from "./cold-start";
import {
  type LoadRequest,
  type LoadResult,
  load,
  loadRefresh,
  login,
  pinLoadGenerator,
  type Server,
  setServerPinning,
  startServer,
} from "./http-load";
import { micro } from "./micro";
import { millionSessionSummary } from "./scale-results";
import { SQLITE_PATH, STORE_NAMES } from "./servers/stores";

const quick = process.argv.includes("--quick");
const seconds = quick ? 2 : 5;
const warmUpSeconds = quick ? 1 : 2;
const connections = 50;
const refreshConnections = 20;
const coldRuns = quick ? 5 : 20;
const started = Date.now();
const pinning = pinLoadGenerator();
setServerPinning(pinning.startsWith("load generator pinned"));

const lines: string[] = [];
const out = (line = "") => {
  console.log(line);
  lines.push(line);
};
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : "n/a";
const bars: Bar[] = [];

interface Measured {
  runs: LoadResult[];
  mean: number;
  /** Difference of the two runs, relative to their mean. */
  spread: number;
  p50: number;
  /** The worse p99 latency (ms) of the runs. */
  p99: number;
  /** Server CPU per request (µs), mean of the runs. */
  cpu: number;
}

/**
 * Starts every server of a scenario, warms each up, then measures them in rounds: A B C, then
 * C B A. Alternating the order puts a server measured early in one round late in the next, so a
 * busy moment on the shared machine does not land on one server only. Servers are idle while
 * another is measured.
 */
async function measureGroup(
  script: string,
  kinds: string[],
  prepare: (server: Server) => Promise<(seconds: number) => Promise<LoadResult>>,
): Promise<Map<string, Measured>> {
  const servers = new Map<string, { server: Server; run: (s: number) => Promise<LoadResult> }>();
  const results = new Map<string, Measured>();
  try {
    for (const kind of kinds) {
      try {
        const server = await startServer(script, kind);
        servers.set(kind, { server, run: await prepare(server) });
      } catch (error) {
        console.error(`${kind}: ${(error as Error).message}`);
      }
    }
    for (const { run } of servers.values()) await run(warmUpSeconds);
    const runs = new Map<string, LoadResult[]>();
    const order = [...servers.keys()];
    for (const round of [order, [...order].reverse()]) {
      for (const kind of round) {
        const result = await (servers.get(kind)?.run(seconds) as Promise<LoadResult>);
        console.error(`  ${kind}: ${Math.round(result.requestsPerSecond)} req/s`);
        runs.set(kind, [...(runs.get(kind) ?? []), result]);
      }
    }
    for (const [kind, list] of runs) {
      const bad = list.find((r) => r.non2xx > 0 || r.errors > 0);
      if (bad) {
        console.error(`${kind}: ${bad.non2xx} non-2xx, ${bad.errors} errors`);
        continue;
      }
      const rates = list.map((r) => r.requestsPerSecond);
      const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
      results.set(kind, {
        runs: list,
        mean,
        spread: (Math.max(...rates) - Math.min(...rates)) / mean,
        p50: Math.max(...list.map((r) => r.latencyP50Ms)),
        p99: Math.max(...list.map((r) => r.latencyP99Ms)),
        cpu: list.reduce((sum, r) => sum + r.serverCpuMicrosPerRequest, 0) / list.length,
      });
    }
  } finally {
    for (const { server } of servers.values()) await server.stop();
  }
  return results;
}

const fmt = (m: Measured | undefined) =>
  m
    ? `| ${Math.round(m.mean)} | ${m.runs.map((r) => Math.round(r.requestsPerSecond)).join(" / ")} | ${Math.round(m.spread * 100)}% | ${m.cpu.toFixed(0)} |`
    : "| failed | | | |";
/** Ratio by server CPU per request, oriented like a throughput ratio (a ÷ b > 1: a is cheaper). */
const cpuRatio = (a: Measured | undefined, b: Measured | undefined) => (a && b ? ratio(b.cpu, a.cpu) : "n/a");

const spreads: number[] = [];
const track = (results: Map<string, Measured>) => {
  for (const m of results.values()) spreads.push(m.spread);
  return results;
};

// The variables that choose what runs, as given: a partial run says so in its own command line.
const benchEnv = ["BENCH_SKIP", "BENCH_KINDS", "BENCH_ADAPTERS"]
  .filter((name) => process.env[name])
  .map((name) => `${name}=${process.env[name]} `)
  .join("");

out("# Latch benchmarks");
out();
out(
  `Command: \`${benchEnv}pnpm bench${quick ? " -- --quick" : ""}\` from the repository root (it builds the packages first). Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC.`,
);
out();
out(
  "Revocation across a fleet (how long until another server sharing the store refuses a revoked session, per store, p50/p99/max) has a probe of its own, not part of this run: [REVOCATION.md](REVOCATION.md).",
);
out();
out(
  `HTTP load: autocannon on 127.0.0.1, ${connections} connections (${refreshConnections} for refresh), pipelining 1, ${seconds} s per run after ${warmUpSeconds} s of warm-up; every server of a table is measured twice, in the order A..Z then Z..A, and the table shows the mean and both runs. Next to req/s, each table gives the server process's CPU time per request (user + system, from /proc, over the same runs): other processes on the machine slow a server down but do not make its requests cost more CPU, so that column, and the ratios computed from it, are the steadier ones. Database and Redis servers' own CPU is not in it. ${pinning[0]?.toUpperCase()}${pinning.slice(1)}. The machine is shared with other builds and tests, so absolute figures move from run to run: read the ratios, which come from one run.`,
);
out();
out("![Latch against bare frameworks and peers, this run](results.svg)");
out();

// ---- 1. Protected GET -------------------------------------------------------------------------

const sizes: Array<{ library: string; setCookieBytes: number; headerBytes: number }> = [];

/** Which peers give sessions the server can revoke (the ones the "faster than" target is about). */
const REVOCABLE: Record<string, string> = {
  latch: "yes: on every server within about a second (fleet revocation, SECURITY.md)",
  "latch-fleet-off": "yes: at the next refresh (access-token lifetime, 1 h by default)",
  "latch-check-database": "yes: at once",
  "express-session-memory": "yes: at once",
  "express-session-redis": "yes: at once",
  "better-auth": "yes: at once",
  "better-auth-cookie-cache": "yes: after the cookie cache's maxAge (300 s here)",
  "iron-session": "no (sealed cookie)",
  "secure-session": "no (encrypted cookie)",
};

async function protectedGet(title: string, script: string, kinds: string[], target: number): Promise<void> {
  out(`## 1. Protected GET with a valid session (${title})`);
  out();
  // The bare servers get Latch's cookie header too, so every server parses requests of the same
  // size and the ratio shows what the session check costs, not what a bigger request costs.
  let latchCookie = "";
  const results = track(
    await measureGroup(script, kinds, async (server) => {
      let cookie = "";
      if (!server.kind.startsWith("bare")) {
        const session = await login(server.url);
        cookie = session.cookie;
        if (server.kind === "latch") latchCookie = cookie;
        if (server.kind !== "latch-check-database") sizes.push({ library: `${server.kind} (${title})`, ...session });
      }
      const request = (): LoadRequest => ({ method: "GET", path: "/protected", headers: { cookie: cookie || latchCookie } });
      return (s) => load(server, request(), s, connections);
    }),
  );
  const bare = results.get("bare")?.mean;
  const latch = results.get("latch")?.mean;
  out(
    `| server | req/s | runs | spread | server CPU µs/req | p50 ms | ÷ bare (req/s) | ÷ bare (CPU) | Latch ÷ it (req/s) | Latch ÷ it (CPU) | revocable |`,
  );
  out("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const kind of kinds) {
    const m = results.get(kind);
    const isLatch = kind === "latch";
    out(
      `| ${kind} ${fmt(m)} ${m?.p50 ?? ""} | ${ratio(m?.mean, bare)} | ${cpuRatio(m, results.get("bare"))} | ${isLatch ? "" : ratio(latch, m?.mean)} | ${isLatch ? "" : cpuRatio(results.get("latch"), m)} | ${REVOCABLE[kind] ?? ""} |`,
    );
    if (m && bare) bars.push({ group: `Protected GET, ${title} (÷ bare)`, label: kind, value: m.mean / bare, highlight: kind === "latch" });
  }
  out();
  // latch-fleet-off is Latch itself with one feature off: compared by its own target below, not as a peer.
  const revocablePeers = kinds.filter((k) => k !== "latch" && k !== "latch-fleet-off" && REVOCABLE[k]?.startsWith("yes"));
  const slower = revocablePeers.filter((k) => (results.get(k)?.mean ?? 0) >= (latch ?? 0));
  const byCpu = (results.get("bare")?.cpu ?? Number.NaN) / (results.get("latch")?.cpu ?? Number.NaN);
  out(
    `Target: Latch at >= ${Math.round(target * 100)}% of bare ${title}: **${ratio(latch, bare)}** by req/s (${latch !== undefined && bare !== undefined && latch / bare >= target ? "met" : "missed"}), **${byCpu.toFixed(2)}x** by server CPU per request (${byCpu >= target ? "met" : "missed"}).`,
  );
  out(
    revocablePeers.length === 0
      ? "Target: faster than every peer with revocable sessions: no such peer on this framework here (secure-session's cookie cannot be revoked)."
      : `Target: faster than every peer with revocable sessions (${revocablePeers.join(", ")}): **${slower.length === 0 ? "met" : `missed against ${slower.join(", ")}`}**.`,
  );
  const fleetOff = results.get("latch-fleet-off");
  if (fleetOff && latch !== undefined) {
    const cpuShare = (fleetOff.cpu ?? Number.NaN) / (results.get("latch")?.cpu ?? Number.NaN);
    out(
      `Target: Latch with fleet revocation on (the default) within 3% of latch-fleet-off: **${ratio(latch, fleetOff.mean)}** by req/s (${latch / fleetOff.mean >= 0.97 ? "met" : "missed"}), **${cpuShare.toFixed(2)}x** by server CPU per request (${cpuShare >= 0.97 ? "met" : "missed"}).`,
    );
  }
  const control = results.get("bare-with-two-noop-middlewares")?.mean;
  if (control && bare) {
    out(
      `Control: bare-with-two-noop-middlewares ÷ bare = ${ratio(control, bare)}; it does strictly more work than bare, so anything above 1.00x is noise of this run.`,
    );
  }
  out();
}

const only = process.env.BENCH_KINDS?.split(",").filter(Boolean);
const pick = (kinds: string[]) => (only ? kinds.filter((k) => only.includes(k)) : kinds);
const skip = new Set(process.env.BENCH_SKIP?.split(",") ?? []);

if (!skip.has("1")) {
  await protectedGet(
    "Express 5",
    "express-servers.ts",
    pick([
      "bare",
      "bare-with-two-noop-middlewares",
      "latch",
      "latch-fleet-off",
      "latch-check-database",
      "express-session-memory",
      "express-session-redis",
      "iron-session",
      "better-auth",
      "better-auth-cookie-cache",
    ]),
    0.95,
  );
  await protectedGet("Fastify 5", "fastify-servers.ts", pick(["bare", "latch", "secure-session"]), 0.9);
  out(
    "Latch, express-session (memory) and better-auth keep sessions in process memory here (Latch's MemoryStore, express-session's MemoryStore, better-auth's memory adapter); express-session-redis reads Redis on every request. latch-check-database is Latch with `checkDatabase: true` (a store read per request, revocation at once); latch-fleet-off is Latch with `fleetRevocation: false` (no revoked-handles lookup).",
  );
  out();
}

// ---- 2. Login and 3. refresh --------------------------------------------------------------------

const storeKinds = STORE_NAMES.filter((s) => s !== "memory");
/** The algorithm of the login rows next to the default RS256 ones. */
const FAST_ALGORITHM = "ES256";
if (!skip.has("2")) {
  rmSync(SQLITE_PATH, { force: true });
  out("## 2. Login: session creation throughput (Express 5, POST /login, each request a new session)");
  out();
  const kinds = pick([
    "bare",
    "latch:memory",
    `latch:memory:${FAST_ALGORITHM}`,
    ...storeKinds.flatMap((s) => [`latch:${s}`, `latch:${s}:${FAST_ALGORITHM}`, `raw:${s}`]),
    "express-session-memory",
    "express-session-redis",
    "iron-session",
    "better-auth",
  ]);
  const results = track(
    await measureGroup("express-servers.ts", kinds, async (server) => {
      await login(server.url);
      const request: LoadRequest = { method: "POST", path: "/login", headers: { "content-type": "application/json" }, body: "{}" };
      return (s) => load(server, request, s, connections);
    }),
  );
  out(
    "| server | logins/s | runs | spread | server CPU µs/req | p50 ms | p99 ms | Latch ÷ raw write (req/s) | Latch ÷ raw write (CPU) | ÷ bare Express |",
  );
  out("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  const bare = results.get("bare")?.mean;
  for (const kind of kinds) {
    const m = results.get(kind);
    const store = kind.split(":")[1];
    const isLatchOnStore = kind.startsWith("latch:") && store !== "memory";
    const floor = isLatchOnStore ? ratio(m?.mean, results.get(`raw:${store}`)?.mean) : "";
    const floorCpu = isLatchOnStore ? cpuRatio(m, results.get(`raw:${store}`)) : "";
    out(`| ${kind} ${fmt(m)} ${m?.p50 ?? ""} | ${m?.p99 ?? ""} | ${floor} | ${floorCpu} | ${ratio(m?.mean, bare)} |`);
  }
  out();
  for (const store of storeKinds) {
    for (const [suffix, label] of [
      ["", `${store} (RS256)`],
      [`:${FAST_ALGORITHM}`, `${store} (${FAST_ALGORITHM})`],
    ] as const) {
      const value = (results.get(`latch:${store}${suffix}`)?.mean ?? 0) / (results.get(`raw:${store}`)?.mean ?? Number.NaN);
      if (Number.isFinite(value)) bars.push({ group: "Login, Latch ÷ raw write of the same row", label, value, highlight: true });
    }
  }
  const target = (store: string, share: number, suffix: string) => {
    const value = (results.get(`latch:${store}${suffix}`)?.mean ?? 0) / (results.get(`raw:${store}`)?.mean ?? Number.NaN);
    return `**${Number.isFinite(value) ? `${value.toFixed(2)}x` : "n/a"}** (${value >= share ? "met" : "missed"})`;
  };
  for (const [store, share] of [
    ["sqlite", 0.5],
    ["postgres", 0.7],
  ] as const) {
    out(
      `Target: createNewSession on ${store} at >= ${share * 100}% of the raw INSERT: with the default RS256, ${target(store, share, "")}; with ${FAST_ALGORITHM}, ${target(store, share, `:${FAST_ALGORITHM}`)}.`,
    );
  }
  out(
    `An RS256 signature alone costs more CPU than a whole raw-INSERT request here (section 4: sign/s per algorithm; compare the CPU column of \`raw:sqlite\`), so with RS256 no implementation can reach half the raw INSERT rate on this machine; ${FAST_ALGORITHM} (\`jwtAlgorithm: "${FAST_ALGORITHM}"\`) signs about ten times faster. RS256 stays the default for SuperTokens compatibility (docs/protocol.md).`,
  );
  out();
  out(
    "`raw:<store>` is the physical floor: the same Express route writing the same row (same table, same columns, same value lengths) with the same driver and pool settings, and nothing else (no token, no hash, no cookie). SQLite, PostgreSQL and MariaDB use the table Latch's store created; Redis writes the same hash fields in one MULTI. Latch's login also generates the session handle and refresh token, hashes the token twice, signs an access token (RS256 by default; `:ES256` rows with ES256) and sets two cookies and a front token. better-auth: memory adapter, its `internalAdapter.createSession` plus `setSessionCookie`, exactly what its sign-in does after the password check (no password hashing on either side).",
  );
  out();
}

if (!skip.has("3")) {
  rmSync(SQLITE_PATH, { force: true });
  out(`## 3. Refresh throughput per store (Express 5, POST /auth/session/refresh, ${refreshConnections} sessions rotating)`);
  out();
  const kinds = pick(STORE_NAMES.map((s) => `latch:${s}`));
  const results = track(
    await measureGroup("express-servers.ts", kinds, async (server) => async (s) => {
      // Fresh sessions for every run: the requests in flight when a run stops rotated their
      // session on the server but their responses were never read, so those clients hold a
      // superseded token, and sending it again after the grace period is theft, as it should be.
      const chains: string[] = [];
      for (let i = 0; i < refreshConnections; i++) chains.push((await login(server.url)).refreshCookie);
      return loadRefresh(server, "/auth/session/refresh", chains, s);
    }),
  );
  out("| store | refreshes/s | runs | spread | server CPU µs/req | p50 ms | p99 ms | ÷ memory |");
  out("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const kind of kinds) {
    const m = results.get(kind);
    out(`| ${kind.split(":")[1]} ${fmt(m)} ${m?.p50 ?? ""} | ${m?.p99 ?? ""} | ${ratio(m?.mean, results.get("latch:memory")?.mean)} |`);
  }
  out();
  out(
    "Each connection holds its own session and always sends the newest refresh token, so every request is a real rotation: a read, a compare-and-set write, three HMAC/SHA-256 steps, a new RS256 access token and new cookies.",
  );
  out();
}

// ---- 4. Micro -----------------------------------------------------------------------------------

if (!skip.has("4")) {
  out("## 4. Access-token sign and verify with jose (ops/s, one core, in process)");
  out();
  out("| algorithm | sign/s | verify/s |");
  out("| --- | ---: | ---: |");
  for (const result of await micro(quick ? 1 : 2)) out(`| ${result.algorithm} | ${result.signPerSecond} | ${result.verifyPerSecond} |`);
  out();
  out(
    "A payload the size of Latch's. Latch verifies a given token once and then serves it from its verified-token cache (see OPTIMISATIONS.md), so verify/s bounds only a client's first request with a new token.",
  );
  out();
}

// ---- 5. Cold start ------------------------------------------------------------------------------

if (!skip.has("5")) {
  out(`## 5. Cold import (median of ${coldRuns} fresh processes, ms)`);
  out();
  const times = coldImports(coldRuns);
  out(
    "| Latch adapter (with @latch/core) | ms | ms with its framework already loaded | supertokens-node entry | ms | Latch ÷ it | Latch ÷ it, framework loaded |",
  );
  out("| --- | ---: | ---: | --- | ---: | ---: | ---: |");
  for (const pair of ADAPTER_PAIRS) {
    const latch = times.get(pair.latch);
    const loaded = pair.framework ? times.get(withFramework(pair.latch)) : undefined;
    const st = times.get(pair.supertokens);
    out(
      `| ${pair.latch} | ${latch?.toFixed(1)} | ${loaded?.toFixed(1) ?? ""} | ${pair.supertokens} | ${st?.toFixed(1)} | ${ratio(latch, st)} | ${loaded === undefined ? "" : ratio(loaded, st)} |`,
    );
  }
  out();
  const failing = ADAPTER_PAIRS.filter((p) => (times.get(p.latch) ?? Number.POSITIVE_INFINITY) >= (times.get(p.supertokens) ?? 0) / 3);
  const failingLoaded = failing.filter(
    (p) => !p.framework || (times.get(withFramework(p.latch)) ?? Number.POSITIVE_INFINITY) >= (times.get(p.supertokens) ?? 0) / 3,
  );
  out(
    `Target: an adapter with core under 1/3 of supertokens-node's: **${failing.length === 0 ? "met for every adapter" : `missed for ${failing.map((p) => p.latch).join(", ")}`}** on a cold process${failing.length === 0 ? "" : `; with the framework already loaded, as in any app of that framework, **${failingLoaded.length === 0 ? "met for every adapter" : `missed for ${failingLoaded.map((p) => p.latch).join(", ")}`}**`}. @latch/nestjs and @latch/loopback define their guard, module and component classes with the framework's decorators (@nestjs/common, @loopback/core), so importing them loads the framework; supertokens-node's entries load no framework. The column "framework already loaded" imports ${ADAPTER_PAIRS.filter(
      (p) => p.framework,
    )
      .map((p) => `${p.framework?.join(", ")} (for ${p.latch})`)
      .join("; ")} first, untimed.`,
  );
  out();
}

// ---- 7. Protected GET per adapter against its bare framework ---------------------------------

const ADAPTER_TARGET = 0.9;

/** One adapter's table; returns its ratios for the summary. */
async function adapterGet(bench: AdapterBench, number: number): Promise<{ byCpu: number; byRate: number } | undefined> {
  out(`### 7.${number} ${bench.title}`);
  out();
  // The bare server gets the Latch server's cookie, so both parse requests of the same size.
  let latchCookie = "";
  const results = track(
    await measureGroup(bench.script, pick(bench.kinds), async (server) => {
      const cookie = server.kind === "latch" ? (await login(server.url)).cookie : "";
      if (cookie) latchCookie = cookie;
      return (s) => load(server, { method: "GET", path: "/protected", headers: { cookie: cookie || latchCookie } }, s, connections);
    }),
  );
  const bare = results.get("bare");
  out("| server | req/s | runs | spread | server CPU µs/req | p50 ms | ÷ bare (req/s) | ÷ bare (CPU) |");
  out("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const kind of pick(bench.kinds)) {
    const m = results.get(kind);
    out(`| ${kind} ${fmt(m)} ${m?.p50 ?? ""} | ${ratio(m?.mean, bare?.mean)} | ${cpuRatio(m, bare)} |`);
  }
  out();
  const latch = results.get("latch");
  const byCpu = latch && bare ? bare.cpu / latch.cpu : Number.NaN;
  const byRate = latch && bare ? latch.mean / bare.mean : Number.NaN;
  out(
    `Target: Latch at >= ${ADAPTER_TARGET.toFixed(1)}x of bare ${bench.title} by server CPU per request: **${Number.isFinite(byCpu) ? `${byCpu.toFixed(2)}x` : "n/a"}** (${byCpu >= ADAPTER_TARGET ? "met" : "missed"}); by req/s ${ratio(latch?.mean, bare?.mean)}. ${bench.note}`,
  );
  const control = results.get("bare-with-two-noop-middlewares");
  if (control && bare) {
    out();
    out(
      `Control: bare-with-two-noop-middlewares ÷ bare = ${ratio(control.mean, bare.mean)} by req/s, ${cpuRatio(control, bare)} by CPU; it does strictly more work than bare, so anything above 1.00x is noise of this run.`,
    );
  }
  out();
  if (latch && bare)
    bars.push({ group: "Protected GET per adapter, Latch ÷ its bare framework (CPU)", label: bench.id, value: byCpu, highlight: true });
  return latch && bare ? { byCpu, byRate } : undefined;
}

if (!skip.has("7")) {
  const wanted = process.env.BENCH_ADAPTERS?.split(",").filter(Boolean);
  const benches = ADAPTER_BENCHES.filter((b) => !wanted || wanted.includes(b.id));
  out("## 7. Protected GET per adapter, each against its own bare framework");
  out();
  out(
    `Each adapter's route behind its session check (memory store, a cached access token) against the same route on the same framework without Latch, same JSON body; the bare server is sent the Latch server's cookie. Same load and rounds as section 1. Target for every adapter: >= ${ADAPTER_TARGET.toFixed(1)}x of bare by server CPU per request.`,
  );
  out();
  const standings: Array<{ bench: AdapterBench; ratios: { byCpu: number; byRate: number } | undefined }> = [];
  for (const [index, bench] of benches.entries()) standings.push({ bench, ratios: await adapterGet(bench, index + 1) });
  out("### 7. Summary");
  out();
  out("| adapter | Latch ÷ bare (CPU) | Latch ÷ bare (req/s) | target >= 0.9x by CPU |");
  out("| --- | ---: | ---: | --- |");
  for (const { bench, ratios } of standings) {
    out(
      `| ${bench.title} | ${ratios ? `${ratios.byCpu.toFixed(2)}x` : "failed"} | ${ratios ? `${ratios.byRate.toFixed(2)}x` : ""} | ${ratios ? (ratios.byCpu >= ADAPTER_TARGET ? "met" : "missed") : ""} |`,
    );
  }
  out();
  out(
    "Instruction counts (callgrind, independent of the machine's load) for the adapters below the target are in OPTIMISATIONS.md, with where the time goes: `node --import tsx src/tools/instructions.ts <script> bare,latch 3000 4000`.",
  );
  out();
}

// ---- 6. Sizes -----------------------------------------------------------------------------------

if (sizes.length > 0) {
  out("## 6. Bytes a login sets (Set-Cookie lines and session headers, as sent)");
  out();
  out("| library | Set-Cookie bytes | other session header bytes |");
  out("| --- | ---: | ---: |");
  for (const size of sizes) out(`| ${size.library} | ${size.setCookieBytes} | ${size.headerBytes} |`);
  out();
  out(
    "Latch sends a signed RS256 access token (verifiable without a store), the refresh token (on its own path only) and the front token header the browser SDK reads.",
  );
  out();
}

// ---- Stores at a million sessions (the scale probe's saved figures; this run does not measure them) ----

for (const line of millionSessionSummary()) out(line);

// ---- Noise, versions ----------------------------------------------------------------------------

if (spreads.length > 0) {
  spreads.sort((a, b) => a - b);
  out("## Noise");
  out();
  out(
    `Spread between a server's two runs in this run: median ${Math.round((spreads[Math.floor(spreads.length / 2)] ?? 0) * 100)}%, worst ${Math.round((spreads.at(-1) ?? 0) * 100)}%. Differences smaller than that are not findings. Load average when finished: ${execSync("cat /proc/loadavg", { encoding: "utf8" }).split(" ").slice(0, 3).join(" ")} (other engineers' builds share the machine).`,
  );
  out();
}

const versions = execSync("pnpm --filter @latch/bench list --depth 0 --json", { encoding: "utf8" });
const deps = (JSON.parse(versions) as Array<{ devDependencies?: Record<string, { version: string }> }>)[0]?.devDependencies ?? {};
out(
  `Versions: ${Object.entries(deps)
    .filter(([name]) => !name.startsWith("@types/") && !name.startsWith("@latch/"))
    .map(([name, { version }]) => `${name} ${version}`)
    .join(
      ", ",
    )}; Latch from this checkout (${execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim()}${execSync("git status --porcelain -- packages", { encoding: "utf8" }).trim() ? ", with uncommitted changes" : ""}). Whole run: ${Math.round((Date.now() - started) / 1000)} s.`,
);
out();
out("Optimisations made on these figures, with before/after: [OPTIMISATIONS.md](OPTIMISATIONS.md).");

const resultsFile = fileURLToPath(new URL("../RESULTS.md", import.meta.url));
writeFileSync(resultsFile, `${lines.join("\n")}\n`);
if (bars.length > 0) writeFileSync(fileURLToPath(new URL("../results.svg", import.meta.url)), chart(bars));
// Biome pads the tables; RESULTS.md must pass `biome check bench`.
execFileSync("npx", ["biome", "format", "--write", resultsFile], { stdio: "ignore" });
