// pnpm bench: every scenario side by side in one run, ratios against peers measured in the same
// run, results written to bench/RESULTS.md. Not a test: nothing here gates CI.
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { coldImportMs } from "./cold-start";
import { load, loginCookie, startServer } from "./http-load";
import { micro } from "./micro";

const quick = process.argv.includes("--quick");
const seconds = quick ? 3 : 10;
const connections = 50;
const lines: string[] = [];
const out = (line = "") => {
  console.log(line);
  lines.push(line);
};
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "n/a");

out("# Latch benchmarks");
out();
out(
  `Command: \`pnpm bench${quick ? " -- --quick" : ""}\` (from the repository root). Machine: ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
);
out("Bare servers receive the same Cookie header as Latch's (and ignore it), so request sizes match.");
out(
  `Load: autocannon on 127.0.0.1, ${connections} connections, ${seconds} s per run, each server measured twice (best run kept); server and load generator in separate processes on the same 2 cores, so absolute figures are noisy: compare the ratios of one run.`,
);
out();

// 1. Protected GET with a valid session, per framework.
const sizes: Record<string, { setCookieBytes: number; headerBytes: number }> = {};

async function protectedGet(title: string, script: string, kinds: string[], bareName: string, target: number): Promise<void> {
  out(`## 1. Protected GET with a valid session (${title})`);
  out();
  out(`| server | req/s | p50 latency (ms) | vs bare ${title} | Latch vs it |`);
  out("| --- | ---: | ---: | ---: | ---: |");
  const rates: Record<string, number> = {};
  const latencies: Record<string, number> = {};
  // The bare servers get Latch's cookie header too, so every server parses requests of the same
  // size and the ratio shows what the session check costs, not what a bigger request costs.
  let latchCookie = "";
  for (const kind of ["latch", ...kinds.filter((k) => k !== "latch")]) {
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      server = await startServer(script, kind);
      const login = await loginCookie(server.url);
      if (script === "express-servers.ts") sizes[kind] = login;
      if (kind === "latch") latchCookie = login.cookie;
      const cookie = kind.startsWith("bare") ? latchCookie : login.cookie;
      const headers: Record<string, string> = cookie ? { cookie } : {};
      await load(server.url, headers, 1, connections); // warm-up
      const runs = [await load(server.url, headers, seconds, connections), await load(server.url, headers, seconds, connections)];
      const best = runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
      if (best.non2xx > 0 || best.errors > 0) throw new Error(`${best.non2xx} non-2xx, ${best.errors} errors`);
      rates[kind] = best.requestsPerSecond;
      latencies[kind] = best.latencyP50Ms;
    } catch (error) {
      console.error(`${title} ${kind}: ${(error as Error).message}`);
    } finally {
      await server?.stop();
    }
  }
  for (const kind of kinds) {
    const rate = rates[kind];
    if (rate === undefined) {
      out(`| ${kind} | failed | | | |`);
      continue;
    }
    out(
      `| ${kind} | ${Math.round(rate)} | ${latencies[kind]} | ${ratio(rate, rates[bareName] ?? 0)} | ${kind === "latch" ? "" : ratio(rates.latch ?? 0, rate)} |`,
    );
  }
  out();
  out(`Target: Latch at >= ${Math.round(target * 100)}% of bare ${title}: **${ratio(rates.latch ?? 0, rates[bareName] ?? 0)}**.`);
  out();
}

const only = process.env.BENCH_KINDS?.split(",").filter(Boolean);
const pick = (kinds: string[]) => (only ? kinds.filter((k) => only.includes(k)) : kinds);
await protectedGet(
  "Express 5",
  "express-servers.ts",
  pick(["bare", "bare-with-two-noop-middlewares", "latch", "express-session-memory", "express-session-redis", "iron-session"]),
  "bare",
  0.95,
);
await protectedGet("Fastify 5", "fastify-servers.ts", pick(["bare", "latch", "secure-session"]), "bare", 0.9);

// 4. Micro: sign and verify per algorithm.
out("## 4. Access-token sign and verify with jose (ops/s, one core)");
out();
out("| algorithm | sign/s | verify/s |");
out("| --- | ---: | ---: |");
for (const result of await micro(quick ? 1 : 3)) out(`| ${result.algorithm} | ${result.signPerSecond} | ${result.verifyPerSecond} |`);
out();

// 5. Cold start.
out("## 5. Cold import (median of 20 fresh processes, ms)");
out();
out("| module | ms | Latch vs it |");
out("| --- | ---: | ---: |");
const latchImport = coldImportMs("@latch/express", 20);
const stImport = coldImportMs("supertokens-node/framework/express", 20);
out(`| @latch/express (with @latch/core) | ${latchImport.toFixed(1)} | |`);
out(`| supertokens-node/framework/express | ${stImport.toFixed(1)} | ${ratio(latchImport, stImport)} |`);
out();
out(`Target: under 1/3 of supertokens-node's: **${ratio(latchImport, stImport)}**.`);
out();

// 6. Sizes.
out("## 6. Bytes a login sets (Set-Cookie lines and session headers)");
out();
out("| library | Set-Cookie bytes | other session header bytes |");
out("| --- | ---: | ---: |");
for (const [kind, size] of Object.entries(sizes)) {
  if (kind.startsWith("bare")) continue;
  out(`| ${kind} | ${size.setCookieBytes} | ${size.headerBytes} |`);
}
out();
const versions = execSync("pnpm --filter @latch/bench list --depth 0 --json", { encoding: "utf8" });
const deps = (JSON.parse(versions) as Array<{ dependencies?: Record<string, { version: string }> }>)[0]?.dependencies ?? {};
out(
  `Versions: ${Object.entries(deps)
    .map(([name, { version }]) => `${name} ${version}`)
    .join(", ")}.`,
);
writeFileSync(fileURLToPath(new URL("../RESULTS.md", import.meta.url)), `${lines.join("\n")}\n`);
