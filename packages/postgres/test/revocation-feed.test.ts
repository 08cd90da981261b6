// The PostgreSQL revocation feed against the real server: delivery between two store instances,
// catch-up at start, after the LISTEN connection is terminated and after the server is "stopped"
// behind a fault proxy, payloads past NOTIFY's 8000 bytes, atomicity and pruning.
import { randomUUID } from "node:crypto";
import { closedPort, recordingWatcher, rejectionOf, sessionRecord, startFaultProxy } from "@latch/testing/store";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore, type PostgresStoreOptions } from "../src/index";
import { admin, dropTables, POSTGRES_URL, uniquePrefix } from "./service";
import { skipReason } from "./skip";

const HOUR = 3_600_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function open(prefix: string, options: Partial<PostgresStoreOptions> = {}): PostgresStore {
  const store = new PostgresStore({ connectionString: POSTGRES_URL, tablePrefix: prefix, cleanupIntervalMs: 0, ...options });
  cleanups.push(() => store.close());
  return store;
}

function newPrefix(): string {
  const prefix = uniquePrefix();
  cleanups.push(() => dropTables(prefix));
  return prefix;
}

async function created(store: PostgresStore, count: number, overrides: Parameters<typeof sessionRecord>[0] = {}) {
  const records = Array.from({ length: count }, () => sessionRecord(overrides));
  for (const record of records) await store.createSession(record);
  return records;
}

describe.skipIf(skipReason)("postgres revocation feed", () => {
  it("delivers revoke, revoke-by-user (with and without tenant) and the cap from one instance to another's watcher, and to its own", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const reader = open(prefix);
    const other = recordingWatcher();
    const own = recordingWatcher();
    cleanups.push(await reader.watchRevocations(other.watcher, { retentionMs: HOUR }).then((s) => () => s.close()));
    cleanups.push(await writer.watchRevocations(own.watcher, { retentionMs: HOUR }).then((s) => () => s.close()));

    const [one] = await created(writer, 1);
    const before = Date.now();
    expect(await writer.revokeSessions([one?.sessionHandle as string, "no-such-handle"])).toEqual([one?.sessionHandle]);
    await other.received([one?.sessionHandle as string]);
    await own.received([one?.sessionHandle as string]);
    expect(other.revoked.get(one?.sessionHandle as string)).toBeGreaterThanOrEqual(before);
    expect(other.revoked.has("no-such-handle")).toBe(false);

    const userId = `user-${randomUUID()}`;
    const [inA] = await created(writer, 1, { userId, tenantId: "a" });
    const [inB] = await created(writer, 1, { userId, tenantId: "b" });
    expect(await writer.revokeSessionsForUser({ userId, tenantId: "a" })).toEqual([inA?.sessionHandle]);
    await other.received([inA?.sessionHandle as string]);
    expect(await writer.revokeSessionsForUser({ userId })).toEqual([inB?.sessionHandle]);
    await other.received([inB?.sessionHandle as string]);

    const capUser = `user-${randomUUID()}`;
    const oldest = sessionRecord({ userId: capUser, createdAt: Date.now() - 2_000 });
    await writer.createSession(oldest);
    await writer.createSession(sessionRecord({ userId: capUser, createdAt: Date.now() - 1_000 }));
    const pushedOut = await writer.createSessionWithinCap(sessionRecord({ userId: capUser }), 2, Date.now());
    expect(pushedOut).toEqual([oldest.sessionHandle]);
    await other.received(pushedOut);
    expect(other.changes).toEqual([]);
  });

  it("a new watcher first receives every retained revocation, and none older than its retentionMs", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const [old, recent] = await created(writer, 2);
    await writer.revokeSessions([old?.sessionHandle as string, recent?.sessionHandle as string]);
    // One of them recorded two hours ago: past the watcher's retention.
    await admin((client) =>
      client.query(`UPDATE ${prefix}revocations SET revoked_at = revoked_at - $1 WHERE session_handle = $2`, [
        2 * HOUR,
        old?.sessionHandle,
      ]),
    );

    const late = recordingWatcher();
    const subscription = await open(prefix).watchRevocations(late.watcher, { retentionMs: HOUR });
    cleanups.push(() => subscription.close());
    // Delivered before watchRevocations resolved: the catch-up is part of starting.
    expect(late.revoked.has(recent?.sessionHandle as string)).toBe(true);
    expect(late.revoked.has(old?.sessionHandle as string)).toBe(false);
  });

  it("revocations past NOTIFY's 8000-byte payload: 300 long handles of one user, and one 9000-byte handle", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const watching = recordingWatcher();
    const subscription = await open(prefix).watchRevocations(watching.watcher, { retentionMs: HOUR });
    cleanups.push(() => subscription.close());
    const userId = `user-${randomUUID()}`;
    const many = Array.from({ length: 300 }, (_, i) => sessionRecord({ userId, sessionHandle: `${i}-${"h".repeat(200)}-${randomUUID()}` }));
    for (const record of many) await writer.createSession(record);
    const handles = many.map((record) => record.sessionHandle);
    expect((await writer.revokeSessionsForUser({ userId })).sort()).toEqual([...handles].sort());
    await watching.received(handles);

    const huge = sessionRecord({ sessionHandle: `huge-${"\u00e9".repeat(4_500)}-${randomUUID()}` });
    await writer.createSession(huge);
    expect(await writer.revokeSessions([huge.sessionHandle])).toEqual([huge.sessionHandle]);
    await watching.received([huge.sessionHandle]);
  });

  it("a deletion that fails announces nothing and records nothing", async () => {
    const prefix = newPrefix();
    const writer = open(prefix);
    const watching = recordingWatcher();
    const subscription = await open(prefix).watchRevocations(watching.watcher, { retentionMs: HOUR });
    cleanups.push(() => subscription.close());
    const [kept, barrier] = await created(writer, 2);
    // The revocations insert fails for this one handle, after its DELETE ran in the same statement.
    await admin((client) =>
      client.query(`ALTER TABLE ${prefix}revocations ADD CONSTRAINT refuse_one CHECK (session_handle <> '${kept?.sessionHandle}')`),
    );
    const error = await rejectionOf(writer.revokeSessions([kept?.sessionHandle as string]));
    expect(error.code).toBe("STORE_ERROR");
    expect(await writer.getSession(kept?.sessionHandle as string)).toEqual(kept);
    // A later revocation arrives; notifications arrive in commit order, so the failed one never will.
    await writer.revokeSessions([barrier?.sessionHandle as string]);
    await watching.received([barrier?.sessionHandle as string]);
    expect(watching.revoked.has(kept?.sessionHandle as string)).toBe(false);
    const rows = await admin((client) => client.query(`SELECT session_handle FROM ${prefix}revocations`));
    expect(rows.rows).toEqual([{ session_handle: barrier?.sessionHandle }]);
  });

  it("the LISTEN connection terminated: one outage report, then the revocations made meanwhile, then one recovery", async () => {
    const prefix = newPrefix();
    const tag = `latch-feed-${randomUUID()}`;
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("application_name", tag);
    const watchingStore = open(prefix, { connectionString: url.toString() });
    const writer = open(prefix);
    const watching = recordingWatcher();
    const subscription = await watchingStore.watchRevocations(watching.watcher, { retentionMs: HOUR });
    cleanups.push(() => subscription.close());
    const records = await created(writer, 3);

    // Several kills in a row: the first reconnect attempts may be killed too.
    await admin((client) => client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [tag]));
    await watching.until(() => watching.changes.length >= 1, "the outage report");
    expect(watching.changes[0]?.connected).toBe(false);
    expect(watching.changes[0]?.cause).toBeInstanceOf(Error);
    await writer.revokeSessions(records.map((record) => record.sessionHandle));
    await watching.received(records.map((record) => record.sessionHandle));
    await watching.until(() => watching.changes.length >= 2, "the recovery report");
    expect(watching.changes).toEqual([watching.changes[0], { connected: true }]);

    // Live again, not only caught up.
    const [after] = await created(writer, 1);
    await writer.revokeSessions([after?.sessionHandle as string]);
    await watching.received([after?.sessionHandle as string]);
  });

  it("the server stopped behind a proxy: the watcher reports it once, retries, and catches up when it is back", async () => {
    const prefix = newPrefix();
    const target = new URL(POSTGRES_URL);
    const proxy = await startFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(POSTGRES_URL);
    viaProxy.port = String(proxy.port);
    const watchingStore = open(prefix, { connectionString: viaProxy.toString() });
    const writer = open(prefix);
    const watching = recordingWatcher();
    const subscription = await watchingStore.watchRevocations(watching.watcher, { retentionMs: HOUR });
    cleanups.push(() => subscription.close());
    const records = await created(writer, 2);

    proxy.down();
    await watching.until(() => watching.changes.length >= 1, "the outage report");
    expect(watching.changes[0]?.connected).toBe(false);
    await writer.revokeSessions(records.map((record) => record.sessionHandle));
    // Retries fail while it is down (several backoff rounds), and are reported only once.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(watching.changes).toHaveLength(1);
    expect(watching.revoked.size).toBe(0);

    proxy.up();
    await watching.received(records.map((record) => record.sessionHandle));
    await watching.until(() => watching.changes.length >= 2, "the recovery report");
    expect(watching.changes[1]).toEqual({ connected: true });
  });

  it("a database unreachable at start: watchRevocations resolves, reports the outage once, close() stops the retries", async () => {
    const url = new URL(POSTGRES_URL);
    url.port = String(await closedPort());
    const store = open(uniquePrefix(), { connectionString: url.toString() });
    const watching = recordingWatcher();
    const subscription = await store.watchRevocations(watching.watcher, { retentionMs: HOUR });
    expect(watching.changes).toHaveLength(1);
    expect(watching.changes[0]?.connected).toBe(false);
    await subscription.close();
  });

  it("the cleanup prunes revocations older than the retention, in batches, and keeps younger ones", async () => {
    const prefix = newPrefix();
    const writer = open(prefix, { revocationRetentionMs: 60_000, cleanupBatchSize: 2 });
    const records = await created(writer, 7);
    await writer.revokeSessions(records.map((record) => record.sessionHandle));
    // Five of them recorded two minutes ago.
    const aged = records.slice(0, 5).map((record) => record.sessionHandle);
    await admin((client) =>
      client.query(`UPDATE ${prefix}revocations SET revoked_at = revoked_at - 120000 WHERE session_handle = ANY($1::text[])`, [aged]),
    );
    await writer.deleteExpiredSessions(Date.now());
    const rows = await admin((client) => client.query<{ session_handle: string }>(`SELECT session_handle FROM ${prefix}revocations`));
    expect(rows.rows.map((row) => row.session_handle).sort()).toEqual(
      records
        .slice(5)
        .map((record) => record.sessionHandle)
        .sort(),
    );
  });

  it("refuses a revocationRetentionMs that is not a whole number of ms from 1 up", () => {
    for (const value of [0, -1, 1.5, Number.NaN]) {
      expect(() => new PostgresStore({ connectionString: POSTGRES_URL, revocationRetentionMs: value })).toThrow(/revocationRetentionMs/);
    }
  });
});
