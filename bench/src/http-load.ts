import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  errors: number;
  non2xx: number;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  return typeof address === "object" && address ? address.port : 0;
}

/** Starts one of the bench servers (its own process, so it does not share a core's event loop with the load generator). */
export async function startServer(script: string, kind: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL(`./servers/${script}`, import.meta.url)), kind],
    {
      env: { ...process.env, PORT: String(port), NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("listening on") && resolve());
    child.on("exit", (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGKILL");
      await once(child, "exit").catch(() => {});
    },
  };
}

/** POST /login and return the Cookie header to send (the session's cookies). */
export async function loginCookie(url: string): Promise<{ cookie: string; setCookieBytes: number; headerBytes: number }> {
  const response = await fetch(`${url}/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  const setCookies = response.headers.getSetCookie();
  const sessionHeaders = ["front-token", "anti-csrf", "st-access-token", "st-refresh-token"].map(
    (name) => response.headers.get(name) ?? "",
  );
  return {
    cookie: setCookies.map((c) => c.split(";")[0]).join("; "),
    setCookieBytes: setCookies.reduce((sum, c) => sum + Buffer.byteLength(`set-cookie: ${c}\r\n`), 0),
    headerBytes: sessionHeaders.reduce((sum, h) => sum + (h ? Buffer.byteLength(h) : 0), 0),
  };
}

export async function load(url: string, headers: Record<string, string>, seconds: number, connections: number): Promise<LoadResult> {
  const result = await autocannon({ url: `${url}/protected`, headers, duration: seconds, connections, pipelining: 1 });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
