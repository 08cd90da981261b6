import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the server process spent per request, in µs: what other load on the machine changes least. */
  serverCpuMicrosPerRequest: number;
}

export interface LoadRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A probe's request argument: "/protected" (a GET) or "POST /login". */
export function parseRequestTarget(target: string): Pick<LoadRequest, "method" | "path"> {
  const [method, path] = target.includes(" ") ? target.split(" ", 2) : ["GET", target];
  if (method !== "GET" && method !== "POST") throw new Error(`unsupported method in ${JSON.stringify(target)}: GET or POST`);
  return { method, path: path ?? "/" };
}

/**
 * On a machine with at least two cores, the load generator (this process) runs on core 0 and every
 * server on core 1, so the two never take turns on one core and a server's figure is its own.
 * Returns what was done, for RESULTS.md.
 */
export function pinLoadGenerator(): string {
  if (cpus().length < 2) return "not pinned (one core)";
  try {
    execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
    return "load generator pinned to core 0 and each server to core 1 (taskset)";
  } catch {
    return "not pinned (no taskset)";
  }
}

let pinServers = false;
export function setServerPinning(on: boolean): void {
  pinServers = on;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address ? address.port : 0;
}

export interface Server {
  kind: string;
  url: string;
  pid: number | undefined;
  /** CPU time the process has used so far, in µs (Linux /proc; NaN elsewhere). */
  cpuMicros: () => number;
  stop: () => Promise<void>;
}

const CLOCK_TICK_MICROS = 10_000; // USER_HZ is 100 on Linux

/** Process group, user + system CPU and reaped children's CPU of one /proc/<pid>/stat line. */
function statOf(pid: string): { group: number; micros: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { group: Number(fields[2]), micros: ticks * CLOCK_TICK_MICROS };
  } catch {
    return undefined; // the process ended while we read /proc
  }
}

/**
 * CPU time of every process in one process group: a server started by startServer leads its own
 * group, so this counts it and whatever it started (`next start`'s server child), and, through
 * the reaped-children fields, any of those that already ended. NaN without Linux /proc.
 */
function cpuMicrosOfGroup(group: number | undefined): number {
  if (group === undefined) return Number.NaN;
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return Number.NaN;
  }
  let micros = 0;
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const stat = statOf(name);
    if (stat?.group === group) micros += stat.micros;
  }
  return micros;
}

/** The Bun binary of the @oven/bun-linux-x64 devDependency (as apps/hono finds it). */
function bunBinary(): string {
  const bunPackage = createRequire(import.meta.url).resolve("@oven/bun-linux-x64/package.json");
  return join(dirname(bunPackage), "bin", "bun");
}

/**
 * Starts one of the bench servers in its own process group; `wrapper` runs it under another
 * program (e.g. valgrind) instead of pinning it. Scripts named `*-bun-servers.ts` run on Bun,
 * every other one on Node with tsx.
 */
export async function startServer(script: string, kind: string, wrapper?: string[]): Promise<Server> {
  const port = await freePort();
  const path = fileURLToPath(new URL(`./servers/${script}`, import.meta.url));
  const runtime = script.endsWith("-bun-servers.ts") ? [bunBinary(), path, kind] : [process.execPath, "--import", "tsx", path, kind];
  const [command, ...args] = wrapper ? [...wrapper, ...runtime] : pinServers ? ["taskset", "-c", "1", ...runtime] : runtime;
  const child: ChildProcess = spawn(command as string, args, {
    env: { ...process.env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
    // Its own process group: the CPU count and the stop cover any process the server starts.
    detached: true,
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("listening on") && resolve());
    child.on("exit", (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    // With taskset in front, the server is taskset's child (taskset execs node, so same pid).
    cpuMicros: () => cpuMicrosOfGroup(child.pid),
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = once(child, "exit").catch(() => {});
      process.kill(-child.pid, "SIGKILL");
      await exited;
    },
  };
}

export interface LoginResult {
  /** The Cookie header that carries the new session. */
  cookie: string;
  /** The refresh-token cookie alone (Latch only). */
  refreshCookie: string;
  setCookieBytes: number;
  headerBytes: number;
}

const cookiePair = (setCookie: string) => setCookie.split(";")[0] ?? "";

/** POST /login and return the session's cookies and what the login cost in bytes. */
export async function login(url: string): Promise<LoginResult> {
  const response = await fetch(`${url}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  if (!response.ok) throw new Error(`login answered ${response.status}`);
  const setCookies = response.headers.getSetCookie();
  const sessionHeaders = ["front-token", "anti-csrf", "st-access-token", "st-refresh-token"].map(
    (name) => response.headers.get(name) ?? "",
  );
  return {
    cookie: setCookies.map(cookiePair).join("; "),
    refreshCookie: setCookies.map(cookiePair).find((pair) => pair.startsWith("sRefreshToken=")) ?? "",
    setCookieBytes: setCookies.reduce((sum, c) => sum + Buffer.byteLength(`set-cookie: ${c}\r\n`), 0),
    headerBytes: sessionHeaders.reduce(
      (sum, h, i) =>
        sum + (h ? Buffer.byteLength(`${["front-token", "anti-csrf", "st-access-token", "st-refresh-token"][i]}: ${h}\r\n`) : 0),
      0,
    ),
  };
}

function summary(result: autocannon.Result, server: Server, cpuBefore: number): LoadResult {
  return {
    serverCpuMicrosPerRequest: (server.cpuMicros() - cpuBefore) / Math.max(1, result.requests.total),
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function load(server: Server, request: LoadRequest, seconds: number, connections: number): Promise<LoadResult> {
  const cpuBefore = server.cpuMicros();
  const result = await autocannon({
    url: `${server.url}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    duration: seconds,
    connections,
    pipelining: 1,
  });
  return summary(result, server, cpuBefore);
}

/**
 * Refresh load: each connection owns one session and always sends its newest refresh token (as a
 * browser does), so every request is a real rotation, never a replay within the grace period.
 * `chains` holds one `sRefreshToken=...` per connection and is updated in place.
 */
export async function loadRefresh(server: Server, path: string, chains: string[], seconds: number): Promise<LoadResult> {
  // A session is lent to one request at a time and comes back with its response, so no two
  // requests ever carry one chain's token at once. (autocannon's per-request context is reset
  // after every request, so it cannot pin a connection to a session; a round-robin over
  // sessions let two connections send the same token and one of them, later, a token two
  // rotations old: theft detection, then 401s.)
  const free = chains.map((_, slot) => slot);
  const cpuBefore = server.cpuMicros();
  type Context = { slot?: number };
  const result = await autocannon({
    url: server.url,
    duration: seconds,
    connections: chains.length,
    pipelining: 1,
    requests: [
      {
        method: "POST",
        path,
        setupRequest: (request, context: Context) => {
          const slot = free.shift();
          if (slot === undefined) throw new Error("more requests in flight than sessions");
          context.slot = slot;
          return { ...request, headers: { ...request.headers, cookie: chains[slot] as string } };
        },
        onResponse: (status, _body, context: Context, headers) => {
          const slot = context.slot;
          if (slot === undefined) return;
          context.slot = undefined;
          if (status === 200) {
            const setCookie = Object.entries(headers as Record<string, string | string[]>).find(
              ([name]) => name.toLowerCase() === "set-cookie",
            )?.[1];
            const refresh = ([] as string[])
              .concat(setCookie ?? [])
              .map(cookiePair)
              .find((pair) => pair.startsWith("sRefreshToken="));
            if (refresh) chains[slot] = refresh;
          }
          free.push(slot);
        },
      },
    ],
  });
  return summary(result, server, cpuBefore);
}
