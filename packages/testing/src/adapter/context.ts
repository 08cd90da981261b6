import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FaultProxy as OutageProxy } from "../store/faults";
import { createScratchDatabase, takesScratchDatabase } from "../store/scratch-database";
import { freePort, type RunningApp } from "./app-process";
import { HttpClient, type Reply } from "./http-client";

/** How the suite starts an adapter's example app. */
export interface AdapterHarness {
  /** e.g. "express" */
  name: string;
  /** Starts the example app with these variables (LATCH_*, PORT) and waits until it listens. */
  start(env: Record<string, string>): Promise<RunningApp>;
  /** The LATCH_STORE to run on; default LATCH_CONFORMANCE_STORE, else a fresh SQLite file per group. */
  storeUrl?: string;
  /**
   * Why this app cannot run on a networked store, if it cannot (a runtime whose example runs on
   * `memory:` only): the groups that need PostgreSQL are then skipped with this reason.
   */
  noNetworkedStore?: string;
}

/** Another instance of the example app on the context's store (a second server behind the same API domain). */
export interface SecondServer {
  readonly baseUrl: string;
  output(): string;
}

export interface ConformanceContext {
  readonly baseUrl: string;
  readonly env: Record<string, string>;
  client(): HttpClient;
  /** POST /login; throws unless it answers 200. */
  login(client: HttpClient, body?: Record<string, unknown>, headers?: Record<string, string>): Promise<Reply>;
  /**
   * Starts (once per context, then the same) a second instance of the app on the same store and
   * LATCH_API_DOMAIN, stopped with the context.
   */
  secondServer(): Promise<SecondServer>;
  /** Stops the app and starts it again on the same store. */
  restart(): Promise<void>;
  /** For groups that run through an outage proxy: switch the store off and on. */
  readonly outage: OutageProxy | undefined;
  close(): Promise<void>;
}

/**
 * The store the suite runs the app on: LATCH_CONFORMANCE_STORE when set (e.g. a postgres:// URL),
 * else a fresh SQLite file per app start, so groups never share sessions. On PostgreSQL and MySQL
 * each group gets a database of its own on that server, dropped after it (the example apps take
 * no table prefix, and what another run left in a shared database must not decide this one); with
 * `reachVia`, the app reaches that database through another address (an outage proxy).
 */
async function storeForGroup(
  storeUrl: string | undefined,
  reachVia?: { port: number },
): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const configured = storeUrl ?? process.env.LATCH_CONFORMANCE_STORE;
  if (configured && takesScratchDatabase(configured)) {
    const scratch = await createScratchDatabase(configured);
    const url = new URL(scratch.url);
    if (reachVia) {
      url.hostname = "127.0.0.1";
      url.port = String(reachVia.port);
    }
    return { url: url.toString(), cleanup: () => scratch.drop() };
  }
  if (configured) return { url: configured, cleanup: async () => {} };
  const file = join(tmpdir(), `latch-conformance-${randomUUID()}.db`);
  return {
    url: `sqlite:${file}`,
    cleanup: async () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
  };
}

export async function startContext(
  harness: AdapterHarness,
  groupEnv: Record<string, string>,
  options: { storeUrl?: string; outage?: OutageProxy } = {},
): Promise<ConformanceContext> {
  const store = await storeForGroup(options.storeUrl ?? harness.storeUrl, options.outage);
  // One port for the context's life, so clients keep working across restart().
  const env: Record<string, string> = { LATCH_STORE: store.url, PORT: String(await freePort()), ...groupEnv };
  let app = await harness.start(env);
  let second: Promise<RunningApp> | undefined;
  return {
    get baseUrl() {
      return app.baseUrl;
    },
    env,
    outage: options.outage,
    client: () => new HttpClient(app.baseUrl),
    async login(client, body = { userId: `user-${randomUUID()}` }, headers = {}) {
      const reply = await client.post("/login", { json: body, headers });
      if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}\n${app.output()}`);
      return reply;
    },
    secondServer() {
      second ??= (async () =>
        harness.start({
          ...env,
          PORT: String(await freePort()),
          LATCH_API_DOMAIN: env.LATCH_API_DOMAIN ?? `http://127.0.0.1:${env.PORT}`,
        }))();
      return second;
    },
    async restart() {
      await app.close();
      app = await harness.start(env);
    },
    async close() {
      await (await second?.catch(() => undefined))?.close();
      await app.close();
      await options.outage?.close();
      await store.cleanup();
    },
  };
}
