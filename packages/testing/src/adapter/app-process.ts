import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/** A started example app. */
export interface RunningApp {
  baseUrl: string;
  port: number;
  /** The app's process id (its process group leader). */
  pid?: number | undefined;
  /** Everything the app printed (for failure messages). */
  output(): string;
  close(): Promise<void>;
}

export interface SpawnAppOptions {
  /** The app's folder. */
  cwd: string;
  /** Command and arguments, e.g. [process.execPath, "--import", "tsx", "src/server.ts"]. */
  command: string[];
  env: Record<string, string>;
  /** Port to use; default: a free one. */
  port?: number;
  startTimeoutMs?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Starts an example app as its own process group and waits for its `listening on http://...` line
 * (shared/example-app.md). close() stops the whole group, children included (next start, tsx).
 */
export async function spawnApp(options: SpawnAppOptions): Promise<RunningApp> {
  const port = options.port ?? (options.env.PORT ? Number(options.env.PORT) : await freePort());
  const [command, ...args] = options.command;
  if (!command) throw new Error("spawnApp: empty command");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const expected = `listening on http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`app did not print "${expected}" within ${options.startTimeoutMs ?? 30000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    const check = () => {
      if (output.includes(expected)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with code ${code} before listening:\n${output}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    output: () => output,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      stop(child);
      const timer = setTimeout(() => stop(child, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
