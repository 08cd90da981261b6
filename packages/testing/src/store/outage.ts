import { afterEach, describe, expect, it } from "vitest";
import { afterReconnect, closedPort, rejectionOf, startFaultProxy } from "./faults";
import { sessionRecord } from "./fixtures";
import type { StoreConformanceOptions, StoreUnderTest } from "./index";

export interface StoreOutageHarness {
  /** The real server's URL with its port (`postgres://...:5432/...`); the suite puts a proxy in front of it. */
  url: string;
  /** A fresh store on this URL (the real one with another host and port; same database, new prefix). */
  open(url: string): Promise<StoreUnderTest>;
}

/** The same URL pointing at another address. */
function urlAt(url: string, address: { host: string; port: number }): string {
  const moved = new URL(url);
  moved.hostname = address.host;
  moved.port = String(address.port);
  return moved.toString();
}

/**
 * The faults every networked store must survive the same way, without touching the shared server:
 * nothing listening, the server going down and coming back, connections dropped while idle.
 * Typed errors only (StoreUnavailableError), nothing half-written, and the same instance recovers.
 */
export function runStoreOutageConformance(name: string, harness: StoreOutageHarness, options: StoreConformanceOptions = {}): void {
  const suite = options.skip ? describe.skip : describe;
  suite(`${name}: store outages${options.skip ? ` (skipped: ${options.skip})` : ""}`, { timeout: options.timeout ?? 20_000 }, () => {
    const cleanups: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    async function open(address: { host: string; port: number }) {
      const opened = await harness.open(urlAt(harness.url, address));
      cleanups.push(async () => {
        try {
          await opened.store.close();
        } finally {
          await opened.cleanup?.();
        }
      });
      return opened.store;
    }

    async function behindProxy() {
      const real = new URL(harness.url);
      if (!real.port) throw new Error(`the outage suite needs a URL with an explicit port, not ${harness.url}`);
      const proxy = await startFaultProxy({ host: real.hostname, port: Number(real.port) });
      cleanups.push(() => proxy.close());
      return { proxy, store: await open({ host: "127.0.0.1", port: proxy.port }) };
    }

    it("nothing listens: every call rejects with StoreUnavailableError, not a raw driver error", async () => {
      const store = await open({ host: "127.0.0.1", port: await closedPort() });
      for (const call of [
        () => store.createSession(sessionRecord()),
        () => store.getSession("x"),
        () => store.revokeSessionsForUser({ userId: "x" }),
        () => store.getSigningKeys(),
      ]) {
        const error = await rejectionOf(call());
        expect(error.code).toBe("STORE_UNAVAILABLE");
        expect(error.cause).toBeInstanceOf(Error);
      }
    });

    it("server down, then back: StoreUnavailableError while down, nothing half-written, the same store works once it is up", async () => {
      const { proxy, store } = await behindProxy();
      const record = sessionRecord();
      await store.createSession(record);
      proxy.down();
      expect((await rejectionOf(store.getSession(record.sessionHandle))).code).toBe("STORE_UNAVAILABLE");
      const lost = sessionRecord({ userId: record.userId });
      expect((await rejectionOf(store.createSession(lost))).code).toBe("STORE_UNAVAILABLE");
      expect((await rejectionOf(store.updateSessionData(record.sessionHandle, { lost: true }))).code).toBe("STORE_UNAVAILABLE");
      proxy.up();
      expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
      expect(await store.getSession(lost.sessionHandle)).toBeUndefined();
      expect(await store.listSessionHandlesForUser({ userId: record.userId }, Date.now())).toEqual([record.sessionHandle]);
      const next = sessionRecord();
      await store.createSession(next);
      expect(await store.getSession(next.sessionHandle)).toEqual(next);
    });

    it("idle connections dropped between calls: only StoreUnavailableError until the same store has reconnected", async () => {
      const { proxy, store } = await behindProxy();
      const records = Array.from({ length: 5 }, () => sessionRecord());
      // Several connections at once, so a pooled store has several to lose.
      await Promise.all(records.map((record) => store.createSession(record)));
      proxy.cutAll();
      for (const record of records) expect(await afterReconnect(() => store.getSession(record.sessionHandle))).toEqual(record);
      const next = sessionRecord();
      await afterReconnect(() => store.createSession(next));
      expect(await store.getSession(next.sessionHandle)).toEqual(next);
    });
  });
}
