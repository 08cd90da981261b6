// A real Redis Cluster for tests: three masters on free ports (each also needs port + 10000 for the
// cluster bus), no replicas, started by the test and stopped after it. Each master keeps an
// append-only file, so one stopped and started again comes back with its data, as a persistent
// production master would. Only redis-server and redis-cli are needed (no client library).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** The masters' ports on 127.0.0.1. */
  readonly ports: readonly number[];
  /** Stops master `index` (SIGTERM: its append-only file is flushed) and waits for the process to exit. */
  stopMaster(index: number): Promise<void>;
  /** Starts master `index` again on its port, config and data; resolves when every master reports the cluster ok. */
  startMaster(index: number): Promise<void>;
  /** Stops the masters and removes their files. */
  stop(): Promise<void>;
}

/**
 * Undefined when redis-server and redis-cli run; otherwise why not (the tests then skip, loudly).
 * Always undefined under CI=true, so missing tools fail the build instead of skipping.
 */
export async function redisClusterToolsMissing(): Promise<string | undefined> {
  if (process.env.CI === "true") return undefined;
  try {
    await run("redis-server", ["--version"]);
    await run("redis-cli", ["--version"]);
    return undefined;
  } catch (error) {
    return `redis-server / redis-cli not runnable (${error instanceof Error ? error.message : String(error)})`;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A free port below 55536 whose bus port (+10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await freePort();
    if (port < 55_536 && !taken.has(port) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error("no free port pair for a cluster node");
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function cli(port: number, ...command: string[]): Promise<string> {
  return (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...command], { timeout: 5_000 })).stdout;
}

/** Starts three masters, joins them into one cluster and waits until it is ok. */
export async function startRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "latch-redis-cluster-"));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freeClusterPort(taken);
    taken.add(port);
    ports.push(port);
  }
  const processes: Array<ChildProcess | undefined> = [];

  const startNode = async (index: number): Promise<void> => {
    const port = ports[index] as number;
    const settings = [
      ["port", String(port)],
      ["bind", "127.0.0.1"],
      ["dir", dir],
      ["cluster-enabled", "yes"],
      ["cluster-config-file", `nodes-${port}.conf`],
      // A stopped master is marked failed after 2 s (default 15 s), so outage tests stay short.
      ["cluster-node-timeout", "2000"],
      ["save", ""],
      ["appendonly", "yes"],
      ["appendfilename", `appendonly-${port}.aof`],
      ["appenddirname", `aof-${port}`],
    ];
    processes[index] = spawn(
      "redis-server",
      settings.flatMap(([name, value]) => [`--${name}`, value as string]),
      { stdio: "ignore" },
    );
    await until(async () => (await cli(port, "PING")).trim() === "PONG", 10_000, `redis-server on ${port}`);
  };

  const clusterOk = () =>
    until(
      async () => {
        for (const port of ports) if (!(await cli(port, "CLUSTER", "INFO")).includes("cluster_state:ok")) return false;
        return true;
      },
      20_000,
      "cluster_state:ok on every master",
    );

  const stopNode = async (index: number): Promise<void> => {
    const child = processes[index];
    processes[index] = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  const stop = async (): Promise<void> => {
    for (let index = 0; index < ports.length; index++) await stopNode(index);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (let index = 0; index < ports.length; index++) await startNode(index);
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"], { timeout: 30_000 });
    await clusterOk();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    ports,
    stopMaster: stopNode,
    async startMaster(index) {
      await startNode(index);
      await clusterOk();
    },
    stop,
  };
}
