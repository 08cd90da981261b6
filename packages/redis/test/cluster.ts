// A real Redis Cluster for the tests: three masters on free ports (each also needs port + 10000 for
// the cluster bus), no replicas, started by the test and stopped after it. Each master keeps an
// append-only file, so one stopped and started again comes back with its data, as a persistent
// production master would.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Cluster, type ClusterOptions, Redis } from "ioredis";

const run = promisify(execFile);

export interface LocalCluster {
  readonly ports: readonly number[];
  /** A Cluster client on these masters, with the fail-fast settings the README recommends; closed by `stop()`. */
  client(options?: ClusterOptions): Cluster;
  /** Stops master `index` (SIGTERM: its append-only file is flushed) and waits for the process to exit. */
  stopMaster(index: number): Promise<void>;
  /** Starts master `index` again on its port, config and data; resolves when the cluster reports ok again. */
  startMaster(index: number): Promise<void>;
  /** Disconnects every client it handed out, stops the masters and removes their files. */
  stop(): Promise<void>;
}

/** Whether redis-server and redis-cli are installed (the cluster tests are skipped, loudly, when not). */
export async function clusterToolsMissing(): Promise<string | undefined> {
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
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function nodeSays(port: number, command: string[]): Promise<string> {
  const node = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  node.on("error", () => {});
  try {
    await node.connect();
    return String(await node.call(command[0] as string, ...command.slice(1)));
  } finally {
    node.disconnect();
  }
}

export async function startLocalCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "latch-redis-cluster-"));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freeClusterPort(taken);
    taken.add(port);
    ports.push(port);
  }
  const processes: Array<ChildProcess | undefined> = [];
  const clients: Cluster[] = [];

  const startNode = async (index: number): Promise<void> => {
    const port = ports[index] as number;
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        // A stopped master is marked failed after 2 s (default 15 s), so the outage test is short.
        "--cluster-node-timeout",
        "2000",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfilename",
        `appendonly-${port}.aof`,
        "--appenddirname",
        `aof-${port}`,
      ],
      { stdio: "ignore" },
    );
    processes[index] = child;
    await until(async () => (await nodeSays(port, ["PING"])) === "PONG", 10_000, `redis-server on ${port}`);
  };

  const clusterOk = () =>
    until(
      async () => {
        for (const port of ports) if (!(await nodeSays(port, ["CLUSTER", "INFO"])).includes("cluster_state:ok")) return false;
        return true;
      },
      20_000,
      "cluster_state:ok on every master",
    );

  const stopNode = async (index: number): Promise<void> => {
    const child = processes[index];
    processes[index] = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  try {
    for (let index = 0; index < ports.length; index++) await startNode(index);
    await run(
      "redis-cli",
      ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"],
      {
        timeout: 30_000,
      },
    );
    await clusterOk();
  } catch (error) {
    for (let index = 0; index < ports.length; index++) await stopNode(index);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    ports,
    client(options: ClusterOptions = {}) {
      const cluster = new Cluster(
        ports.map((port) => ({ host: "127.0.0.1", port })),
        {
          // As the README recommends for an app's own client: fail calls fast while a node is away.
          redisOptions: { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, connectTimeout: 2_000 },
          retryDelayOnClusterDown: 100,
          ...options,
        },
      );
      cluster.on("error", () => {});
      clients.push(cluster);
      return cluster;
    },
    stopMaster: stopNode,
    async startMaster(index) {
      await startNode(index);
      await clusterOk();
    },
    async stop() {
      for (const client of clients.splice(0)) client.disconnect();
      for (let index = 0; index < ports.length; index++) await stopNode(index);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
