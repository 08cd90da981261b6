import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { promisify } from "node:util";
import { freePort } from "@latch/testing/adapter";
import { binOf, cleanEnv } from "./npm-app";

const run = promisify(execFile);

/** A user's environment for Next.js: no telemetry, no pnpm NODE_PATH, and none of `unset` (a build machine's missing variables). */
function nextEnv(extra: Record<string, string>, unset: string[]): Record<string, string> {
  const env = cleanEnv({ NEXT_TELEMETRY_DISABLED: "1", NODE_PATH: "", ...extra });
  for (const name of unset) delete env[name];
  return env;
}

/** `next build` in the app with its own Next.js; resolves with the build's output, throws with it on failure. */
export async function nextBuild(appDir: string, options: { unset: string[] }): Promise<string> {
  try {
    const { stdout, stderr } = await run(process.execPath, [binOf(appDir, "next"), "build"], {
      cwd: appDir,
      env: nextEnv({}, options.unset),
      maxBuffer: 64 * 1024 * 1024,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed in ${appDir}:\n${stdout}\n${stderr}`.slice(0, 20_000));
  }
}

export interface NextServer {
  baseUrl: string;
  /** Everything `next start` printed so far (Latch's log lines included). */
  output(): string;
  /** Stops `next start` and its `next-server` child: the whole process group. */
  close(): Promise<void>;
}

/**
 * `next start` on 127.0.0.1 and a free port, as its own process group (it forks a `next-server`
 * child that a plain kill would leave running). Resolves once the server answers a request:
 * `next start` says "Ready" before its first route does.
 */
export async function nextStart(appDir: string, env: Record<string, string>, startTimeoutMs = 120_000): Promise<NextServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [binOf(appDir, "next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: appDir,
    env: nextEnv(env, []),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stopGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const server: NextServer = {
    baseUrl,
    output: () => output,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) {
        stopGroup("SIGKILL"); // the leader is gone; its next-server child may not be
        return;
      }
      const exited = once(child, "exit");
      stopGroup("SIGTERM");
      const timer = setTimeout(() => stopGroup("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
      stopGroup("SIGKILL");
    },
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${baseUrl}/`, { signal: AbortSignal.timeout(5000) });
      return server;
    } catch {
      if (Date.now() > deadline) {
        await server.close();
        throw new Error(`next start did not answer within ${startTimeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
