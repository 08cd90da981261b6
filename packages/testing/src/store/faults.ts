import { createServer, type Server, Socket } from "node:net";

/**
 * A TCP proxy between a store and its server that can cut the connection at a chosen moment: when
 * the client sends a chunk the predicate matches, that chunk is dropped and both sockets are
 * destroyed, so the command never reaches the server and the client sees its connection die mid-call.
 * It lets fault tests cut "during this command" deterministically, without touching the shared server.
 * `down()`/`up()` play a stopped and restarted server (what the adapter suite's OutageProxy does).
 */
export interface FaultProxy {
  /** The local port to point the store at. */
  readonly port: number;
  /**
   * Arms a one-shot cut: the next client chunk for which `matches` returns true is dropped and its
   * connection destroyed. Resolves once the cut has happened.
   */
  cutWhen(matches: (chunk: Buffer) => boolean): Promise<void>;
  /** Destroys every open connection now (the server notices nothing but closed sockets). */
  cutAll(): void;
  /** Like a stopped server: drops every open connection and refuses new ones until `up()`. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let armed: { matches: (chunk: Buffer) => boolean; done: () => void } | undefined;
  let isDown = false;

  const server: Server = createServer((client) => {
    if (isDown) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair = { client, upstream };
    pairs.add(pair);
    const destroy = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", destroy);
    upstream.on("error", destroy);
    client.on("close", destroy);
    upstream.on("close", destroy);
    client.pause();
    upstream.connect(target.port, target.host, () => client.resume());
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    client.on("data", (chunk: Buffer) => {
      if (armed?.matches(chunk)) {
        const { done } = armed;
        armed = undefined;
        destroy();
        done();
        return;
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the fault proxy has no port");

  const cutAll = () => {
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: address.port,
    cutWhen(matches) {
      return new Promise<void>((resolve) => {
        armed = { matches, done: resolve };
      });
    },
    cutAll,
    down() {
      isDown = true;
      cutAll();
    },
    up() {
      isDown = false;
    },
    async close() {
      armed = undefined;
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether a chunk of the Redis protocol (RESP) carries this command, e.g. `respCommand(chunk, "EVALSHA")`. */
export function respCommand(chunk: Buffer, command: string): boolean {
  return chunk.toString("latin1").toUpperCase().includes(`\r\n$${command.length}\r\n${command.toUpperCase()}\r\n`);
}

/** A local port nothing listens on (bound, then released): for "the server is down" tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The error a promise rejects with; throws when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: unknown; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error("expected the call to reject, but it resolved");
}

/**
 * After connections were cut while idle, the calls that find out fail, but only with
 * StoreUnavailableError: a pool may hand out each dead connection once before it notices. Retries
 * until the call works (at most `attempts` times) and returns what it returned; any other error,
 * or no recovery, fails.
 */
export async function afterReconnect<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (errorCode(error) !== "STORE_UNAVAILABLE" || attempt >= attempts) throw error;
    }
  }
}

/** A Latch error's `code`, read as a property rather than by `instanceof`, so a second copy of @latch/core still matches. */
export function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}
