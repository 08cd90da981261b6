// Revocation across a fleet: two Latch instances on one store (two servers), the hot path's one
// lookup, the watch's lifecycle and what a server does while its revocation feed is disconnected.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConfigError,
  Latch,
  type LatchConfig,
  type Logger,
  MemoryStore,
  type RevocationWatcher,
  SessionContainer,
  type SessionStore,
  StoreUnavailableError,
  TokenTheftError,
  UnauthorisedError,
} from "../src/index";
import { FleetRevocations } from "../src/session/fleet-revocations";
import { RecordingRequest, RecordingResponse } from "./support/recording-http";

const opened: Latch[] = [];
afterEach(async () => {
  for (const latch of opened.splice(0)) await latch.close();
  vi.useRealTimers();
});

function server(store: SessionStore, overrides: Partial<LatchConfig> = {}): Latch {
  const latch = new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", logger: false, ...overrides });
  opened.push(latch);
  return latch;
}

function recordingLogger() {
  const lines: Array<{ level: keyof Logger; message: string }> = [];
  const logger: Logger = {
    debug: (message) => lines.push({ level: "debug", message }),
    info: (message) => lines.push({ level: "info", message }),
    warn: (message) => lines.push({ level: "warn", message }),
    error: (message) => lines.push({ level: "error", message }),
  };
  return { logger, at: (level: keyof Logger) => lines.filter((line) => line.level === level).map((line) => line.message) };
}

const get = (accessToken: string) => new RecordingRequest("GET", { cookie: `sAccessToken=${accessToken}` });

/** Verifies on `latch` and returns what the client would see: 200 or the error's status, and whether tokens were cleared. */
async function answer(latch: Latch, accessToken: string): Promise<{ status: number; cleared: boolean }> {
  const req = get(accessToken);
  const res = new RecordingResponse();
  try {
    await latch.getSession(req, res);
    return { status: 200, cleared: false };
  } catch (error) {
    if (!latch.handleError(error, req, res)) throw error;
    const cookies = (res.getHeader("set-cookie") as string[] | undefined) ?? [];
    return { status: res.status, cleared: cookies.some((cookie) => /^sAccessToken=;/.test(cookie)) };
  }
}

/**
 * A MemoryStore whose revocation feed can be cut: while disconnected it withholds what the memory
 * feed delivers and, on reconnect, catches up with it first (as a real feed does from its
 * retained rows), then reports "connected". Store calls can be made to fail too.
 */
function storeWithCuttableFeed() {
  const memory = new MemoryStore();
  const control = {
    watches: 0,
    closed: 0,
    storeDown: false,
    feedUp: true,
    watchers: [] as RevocationWatcher[],
    withheld: [] as { sessionHandles: readonly string[]; revokedAt: number }[],
    disconnect(cause: Error) {
      this.feedUp = false;
      for (const watcher of this.watchers) watcher.onConnectionChange({ connected: false, cause });
    },
    reconnect() {
      this.feedUp = true;
      for (const revoked of this.withheld.splice(0)) for (const watcher of this.watchers) watcher.onRevoked(revoked);
      for (const watcher of this.watchers) watcher.onConnectionChange({ connected: true });
    },
  };
  const store: SessionStore = new Proxy(memory, {
    get(target, property, receiver) {
      if (property === "name") return "cuttable";
      if (property === "watchRevocations") {
        return async (watcher: RevocationWatcher, options: { retentionMs: number }) => {
          control.watches++;
          control.watchers.push(watcher);
          const inner = await memory.watchRevocations(
            {
              onRevoked: (revoked) => (control.feedUp ? watcher.onRevoked(revoked) : control.withheld.push(revoked)),
              onConnectionChange: () => {},
            },
            options,
          );
          return {
            close: async () => {
              control.closed++;
              control.watchers = control.watchers.filter((w) => w !== watcher);
              await inner.close();
            },
          };
        };
      }
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return (...args: unknown[]) =>
        control.storeDown
          ? Promise.reject(new StoreUnavailableError("cuttable", { cause: new Error("ECONNREFUSED") }))
          : value.apply(target, args);
    },
  });
  return { store, control };
}

/** Counts every store call but the feed's, to show that a protected GET reads nothing. */
function countingStore(store: SessionStore) {
  const calls: string[] = [];
  const counted: SessionStore = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (property === "watchRevocations") return value.bind(target);
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
  return { counted, calls };
}

async function signIn(latch: Latch, userId = "alice") {
  const session = await latch.createNewSessionWithoutRequestResponse("public", userId);
  return { session, accessToken: session.getAllSessionTokensDangerously().accessToken };
}

describe("two servers on one MemoryStore", () => {
  it("a sign-out on A is refused by B on the hot path: a thrown 401 that clears tokens, with no store read", async () => {
    const { counted, calls } = countingStore(new MemoryStore());
    const [a, b] = [server(counted), server(counted)];
    const { session, accessToken } = await signIn(a);
    expect(await answer(b, accessToken)).toEqual({ status: 200, cleared: false });
    // Verified once: B now answers from its cache, synchronously.
    expect(b.getSessionMaybeSync(get(accessToken), new RecordingResponse())).toBeInstanceOf(SessionContainer);

    await session.revokeSession();
    calls.length = 0;
    expect(() => b.getSessionMaybeSync(get(accessToken), new RecordingResponse())).toThrow(UnauthorisedError);
    expect(calls).toEqual([]);
    expect(await answer(b, accessToken)).toEqual({ status: 401, cleared: true });
    expect(await answer(a, accessToken)).toEqual({ status: 401, cleared: true });
  });

  it("revoke one, revoke all of a user, revoke the others, the cap and theft detection all reach the other server", async () => {
    const store = new MemoryStore();
    const [a, b] = [server(store, { maxSessionsPerUser: 2 }), server(store)];
    const sessions = await Promise.all(["one", "two", "three", "four"].map((user) => signIn(a, user)));
    for (const { accessToken } of sessions) expect((await answer(b, accessToken)).status).toBe(200);
    const [one, two, three, four] = sessions as [(typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0], (typeof sessions)[0]];

    await a.revokeSession(one.session.getHandle());
    expect((await answer(b, one.accessToken)).status).toBe(401);

    await a.revokeAllSessionsForUser("two");
    expect((await answer(b, two.accessToken)).status).toBe(401);

    const kept = await signIn(a, "three");
    await a.revokeOtherSessionsForUser("three", kept.session.getHandle());
    expect((await answer(b, three.accessToken)).status).toBe(401);
    expect((await answer(b, kept.accessToken)).status).toBe(200);

    // The cap (2): a third login of "four" pushes the oldest out.
    await signIn(a, "four");
    await signIn(a, "four");
    expect((await answer(b, four.accessToken)).status).toBe(401);

    // Theft: a refresh token two rotations old comes back on A.
    const victim = await signIn(a, "victim");
    expect((await answer(b, victim.accessToken)).status).toBe(200);
    const first = victim.session.getAllSessionTokensDangerously().refreshToken ?? "";
    const second = (await a.refreshSessionWithoutRequestResponse(first)).getAllSessionTokensDangerously();
    const third = (await a.refreshSessionWithoutRequestResponse(second.refreshToken ?? "")).getAllSessionTokensDangerously();
    expect((await answer(b, third.accessToken)).status).toBe(200);
    await expect(a.refreshSessionWithoutRequestResponse(first)).rejects.toThrow(TokenTheftError);
    expect((await answer(b, third.accessToken)).status).toBe(401);
    expect((await answer(b, victim.accessToken)).status).toBe(401);
  });

  it("with fleetRevocation: false, B accepts the revoked session's access token until it expires (and starts no watch)", async () => {
    const { store, control } = storeWithCuttableFeed();
    const [a, b] = [server(store, { fleetRevocation: false }), server(store, { fleetRevocation: false })];
    const { session, accessToken } = await signIn(a);
    await session.revokeSession();
    expect(await answer(b, accessToken)).toEqual({ status: 200, cleared: false });
    expect(control.watches).toBe(0);
  });
});

describe("the watch's lifecycle", () => {
  it("starts on first use, not when the instance is made, and closes with it", async () => {
    const { store, control } = storeWithCuttableFeed();
    const latch = server(store);
    expect(control.watches).toBe(0);
    await signIn(latch);
    expect(control.watches).toBe(1);
    await signIn(latch);
    expect(control.watches).toBe(1);
    await latch.close();
    expect(control.closed).toBe(1);
  });

  it("refuses a session this server revoked at once, before any feed delivers it", async () => {
    const { store, control } = storeWithCuttableFeed();
    const latch = server(store);
    const { session, accessToken } = await signIn(latch);
    expect((await answer(latch, accessToken)).status).toBe(200);
    control.feedUp = false; // the feed withholds everything from now on
    await session.revokeSession();
    expect(await answer(latch, accessToken)).toEqual({ status: 401, cleared: true });
  });

  it("retries a watch that could not start, and says so once", async () => {
    const memory = new MemoryStore();
    let attempts = 0;
    const store: SessionStore = new Proxy(memory, {
      get(target, property, receiver) {
        if (property === "name") return "late";
        if (property === "watchRevocations") {
          return (watcher: RevocationWatcher, options: { retentionMs: number }) =>
            ++attempts < 3 ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")) : memory.watchRevocations(watcher, options);
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const log = recordingLogger();
    const [a, b] = [server(store, { logger: log.logger }), server(memory)];
    const { session, accessToken } = await signIn(a);
    await vi.waitFor(() => expect(attempts).toBe(3), { timeout: 10_000, interval: 20 });
    expect(log.at("warn").filter((line) => line.includes("revocation feed"))).toEqual([
      expect.stringMatching(/revocation feed of session store "late" is not connected: connect ECONNREFUSED 127\.0\.0\.1:6379/),
    ]);
    await vi.waitFor(
      () => expect(log.at("info")).toContainEqual(expect.stringMatching(/revocation feed of session store "late" is connected again/)),
      { timeout: 5_000, interval: 20 },
    );
    await b.revokeSession(session.getHandle());
    expect((await answer(a, accessToken)).status).toBe(401);
  });
});

describe("while the feed is disconnected", () => {
  it("by default keeps verifying locally, logs it once, then catches up and logs the recovery", async () => {
    const { store, control } = storeWithCuttableFeed();
    const log = recordingLogger();
    const [a, b] = [server(store), server(store, { logger: log.logger })];
    const first = await signIn(a, "first");
    const second = await signIn(a, "second");
    expect((await answer(b, first.accessToken)).status).toBe(200);
    expect((await answer(b, second.accessToken)).status).toBe(200);

    control.disconnect(new Error("Connection terminated unexpectedly"));
    control.disconnect(new Error("Connection terminated unexpectedly"));
    await a.revokeSession(first.session.getHandle());
    // Stale, as documented: B cannot know yet, and the store is not asked.
    expect((await answer(b, first.accessToken)).status).toBe(200);
    expect(log.at("warn")).toEqual([
      expect.stringMatching(
        /^revocation feed of session store "cuttable" is not connected: Connection terminated unexpectedly\. until it is back, this server verifies access tokens locally/,
      ),
    ]);

    control.reconnect();
    expect((await answer(b, first.accessToken)).status).toBe(401);
    expect((await answer(b, second.accessToken)).status).toBe(200);
    expect(log.at("info")).toEqual([
      expect.stringMatching(/^revocation feed of session store "cuttable" is connected again after \d+ s and has caught up$/),
    ]);
  });

  it('with whileDisconnected: "check-store", every protected request reads the store: 401 when revoked, 503 when the store is down too', async () => {
    const { store, control } = storeWithCuttableFeed();
    const log = recordingLogger();
    const a = server(store);
    const b = server(store, { fleetRevocation: { whileDisconnected: "check-store" }, logger: log.logger });
    const revoked = await signIn(a, "revoked");
    const live = await signIn(a, "live");
    expect((await answer(b, revoked.accessToken)).status).toBe(200);
    expect(b.getSessionMaybeSync(get(live.accessToken), new RecordingResponse())).toBeInstanceOf(Promise);
    await b.getSession(get(live.accessToken), new RecordingResponse());
    expect(b.getSessionMaybeSync(get(live.accessToken), new RecordingResponse())).toBeInstanceOf(SessionContainer);

    control.disconnect(new Error("read ECONNRESET"));
    expect(log.at("warn")).toEqual([expect.stringMatching(/every protected request reads the store \(503 when the store cannot answer\)/)]);
    await a.revokeSession(revoked.session.getHandle());
    // No longer the cached answer: a promise, because the store is read.
    expect(b.getSessionMaybeSync(get(live.accessToken), new RecordingResponse())).toBeInstanceOf(Promise);
    expect(await answer(b, revoked.accessToken)).toEqual({ status: 401, cleared: true });
    expect((await answer(b, live.accessToken)).status).toBe(200);
    control.storeDown = true;
    expect(await answer(b, live.accessToken)).toEqual({ status: 503, cleared: false });

    control.storeDown = false;
    control.reconnect();
    expect(b.getSessionMaybeSync(get(live.accessToken), new RecordingResponse())).toBeInstanceOf(SessionContainer);
  });
});

describe("FleetRevocations", () => {
  const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

  it("forgets revocations older than the access-token lifetime (plus a clock margin), a bounded batch at a time", () => {
    vi.useFakeTimers({ now: 1_000_000_000 });
    const fleet = new FleetRevocations(new MemoryStore(), { retentionMs: 3_600_000, whileDisconnected: "verify-locally", log: silent });
    const old = Array.from({ length: 2_500 }, (_, i) => `old-${i}`);
    fleet.add(old);
    expect(fleet.isRevoked("old-0")).toBe(true);
    vi.setSystemTime(1_000_000_000 + 3_600_000 + 61_000);
    fleet.add(["new-0"]);
    // One batch of a thousand per call: a burst never costs a pause, and later calls finish the job.
    expect(fleet.size).toBe(2_501 - 1_000);
    fleet.add(["new-1"]);
    fleet.add(["new-2"]);
    expect(fleet.size).toBe(3);
    expect(fleet.isRevoked("old-2499")).toBe(false);
    expect(fleet.isRevoked("new-0")).toBe(true);
  });
});

describe("config", () => {
  it("is on by default with a store that has a feed, and refuses to be asked for on one without", () => {
    const store = new MemoryStore();
    expect(server(store).config.fleetRevocation).toEqual({ whileDisconnected: "verify-locally" });
    expect(server(store, { fleetRevocation: false }).config.fleetRevocation).toBeUndefined();
    const withoutFeed: SessionStore = new Proxy(store, {
      get: (target, property, receiver) => (property === "watchRevocations" ? undefined : Reflect.get(target, property, receiver)),
    });
    expect(server(withoutFeed).config.fleetRevocation).toBeUndefined();
    expect(() => server(withoutFeed, { fleetRevocation: true })).toThrow(ConfigError);
    expect(() => server(store, { fleetRevocation: { whileDisconnected: "ignore" as "check-store" } })).toThrow(ConfigError);
  });
});
