import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@latch/core";
import { eventLoopTurnsDuring, rejectionOf, sessionRecord } from "@latch/testing/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { defaultDriver, type SqliteDriverName, SqliteStore, sqliteStore, storeFromUrl } from "../src/index";
import { sqliteCode } from "../src/sqlite-errors";
import { DRIVERS, type RawConnection, rawConnection, runtimeHasNodeSqlite } from "./drivers";

let dir: string;
let path: string;
const opened: Array<{ close(): unknown }> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "latch-sqlite-"));
  path = join(dir, "latch.db");
});
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const driver of DRIVERS) describe(`on ${driver}`, () => driverSuite(driver));

function driverSuite(driver: SqliteDriverName): void {
  function store(options: ConstructorParameters<typeof SqliteStore>[0] = {}): SqliteStore {
    const created = new SqliteStore({ path, driver, ...options });
    opened.push(created);
    return created;
  }

  /** A second, independent connection to the same file: what another process would see. */
  function rawDatabase(file = path): RawConnection {
    const db = rawConnection(driver, file);
    opened.push(db);
    return db;
  }

  describe("revocations table (the polled revocation feed)", () => {
    it("gets a row per revoked session in the deleting transaction, none for expiry, and the poll prunes what is past the retention", async () => {
      const writer = store();
      const live = sessionRecord();
      const expired = sessionRecord({ expiresAt: Date.now() - 1 });
      for (const record of [live, expired]) await writer.createSession(record);
      await writer.deleteExpiredSessions(Date.now());
      await writer.revokeSessions([live.sessionHandle]);
      const db = rawDatabase();
      const rows = () => db.prepare<[], { session_handle: string }>("SELECT session_handle FROM latch_revocations ORDER BY id").all();
      expect(rows()).toEqual([{ session_handle: live.sessionHandle }]);

      // Rows older than a (short) retention, as many as several prune batches hold.
      const insert = db.prepare<[string, number]>("INSERT INTO latch_revocations (session_handle, revoked_at) VALUES (?, ?)");
      db.transaction(() => {
        for (let i = 0; i < 2_500; i++) insert.run(`old-${i}`, Date.now() - 60_000);
      });
      const watching = store({ revocationPollIntervalMs: 10 });
      const received: string[] = [];
      const subscription = await watching.watchRevocations(
        { onRevoked: (revoked) => received.push(...revoked.sessionHandles), onConnectionChange: () => {} },
        { retentionMs: 30_000 },
      );
      try {
        expect(received).toEqual([live.sessionHandle]);
        await vi.waitFor(() => expect(rows()).toEqual([{ session_handle: live.sessionHandle }]), { timeout: 15_000, interval: 50 });
      } finally {
        await subscription.close();
      }
    });
  });

  describe("schema", () => {
    it("creates prefixed tables, both indexes and a schema version on first use, in WAL mode", async () => {
      const created = store();
      expect(created.driver).toBeUndefined();
      await created.getSession("anything");
      expect(created.driver).toBe(driver);
      const db = rawDatabase();
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      expect(tables.map((t) => t.name)).toEqual([
        "latch_revocations",
        "latch_schema_version",
        "latch_sessions",
        "latch_signing_keys",
        "sqlite_sequence",
      ]);
      expect(db.prepare("SELECT version FROM latch_schema_version").all()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
      expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });

      const plan = (sql: string) =>
        db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all("u", "t", 0)
          .map((row) => row.detail)
          .join("\n");
      expect(plan("SELECT session_handle FROM latch_sessions WHERE user_id = ? AND tenant_id = ? AND expires_at > ?")).toContain(
        "latch_sessions_user_tenant",
      );
      expect(plan("DELETE FROM latch_sessions WHERE user_id = ? AND tenant_id = ? AND ? = 0")).toContain("latch_sessions_user_tenant");
      expect(
        db
          .prepare<[number], { detail: string }>("EXPLAIN QUERY PLAN DELETE FROM latch_sessions WHERE expires_at <= ?")
          .all(0)
          .map((r) => r.detail)
          .join(),
      ).toContain("latch_sessions_expires_at");
    });

    it("uses a configured table prefix and keeps stores with different prefixes apart", async () => {
      const custom = store({ tablePrefix: "myapp_auth_" });
      const standard = store();
      const record = sessionRecord();
      await custom.createSession(record);
      expect(await standard.getSession(record.sessionHandle)).toBeUndefined();
      expect(await custom.getSession(record.sessionHandle)).toEqual(record);
      const names = rawDatabase()
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'myapp%' ORDER BY name")
        .all();
      expect(names.map((t) => t.name)).toEqual([
        "myapp_auth_revocations",
        "myapp_auth_schema_version",
        "myapp_auth_sessions",
        "myapp_auth_signing_keys",
      ]);
    });

    it("rejects a table prefix that is not a plain identifier", () => {
      for (const tablePrefix of ["x; DROP TABLE y; --", "a-b", "1abc", '"quoted"', ""]) {
        expect(() => new SqliteStore({ path, driver, tablePrefix })).toThrow(expect.objectContaining({ code: "STORE_ERROR" }));
      }
    });

    it("migrates once: reopening the file keeps the data and one version row", async () => {
      const record = sessionRecord();
      const first = store();
      await first.createSession(record);
      await first.close();
      const second = store();
      expect(await second.getSession(record.sessionHandle)).toEqual(record);
      expect(rawDatabase().prepare("SELECT version FROM latch_schema_version").all()).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
      ]);
    });

    it("upgrades a version 1 database: old sessions read with null device details, new ones keep theirs", async () => {
      const old = sessionRecord({ userAgent: null, ip: null });
      const first = store();
      await first.createSession(old);
      await first.close();
      // Back to version 1 as it shipped: the sessions table without the device columns.
      const db = rawDatabase();
      db.exec("ALTER TABLE latch_sessions DROP COLUMN user_agent; ALTER TABLE latch_sessions DROP COLUMN ip");
      db.exec("DROP TABLE latch_revocations");
      db.exec("DELETE FROM latch_schema_version WHERE version >= 2");
      const upgraded = store();
      expect(await upgraded.getSession(old.sessionHandle)).toEqual(old);
      const fresh = sessionRecord({ userId: old.userId, userAgent: "Firefox/128.0", ip: "2001:db8::1" });
      await upgraded.createSession(fresh);
      expect(await upgraded.getSession(fresh.sessionHandle)).toEqual(fresh);
      expect(db.prepare("SELECT version FROM latch_schema_version ORDER BY version").all()).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
      ]);
    });

    it("refuses a database whose schema is newer than this package", async () => {
      await store().getSession("x");
      rawDatabase().prepare("INSERT INTO latch_schema_version (version) VALUES (99)").run();
      const error = await rejectionOf(store().getSession("x"));
      expect(error.code).toBe("STORE_ERROR");
      expect(error.message).toContain("schema version 99");
    });
  });

  describe("two stores on one file (two processes)", () => {
    it("see each other's writes, and only one of two competing rotations wins", async () => {
      const a = store();
      const b = store();
      const record = sessionRecord();
      await a.createSession(record);
      expect(await b.getSession(record.sessionHandle)).toEqual(record);
      const rotate = (target: SqliteStore, newRefreshTokenHash2: string) =>
        target.rotateRefreshToken({
          sessionHandle: record.sessionHandle,
          expectedRefreshTokenHash2: record.refreshTokenHash2,
          newRefreshTokenHash2,
          rotatedAt: 1,
          newExpiresAt: record.expiresAt,
        });
      expect(await rotate(a, "from-a")).toBe(true);
      expect(await rotate(b, "from-b")).toBe(false);
      expect((await b.getSession(record.sessionHandle))?.refreshTokenHash2).toBe("from-a");
    });
  });

  describe("an app's own database", () => {
    it("is used as given and stays open after close()", async () => {
      const raw = rawDatabase();
      const appStore = new SqliteStore({ database: raw.database });
      opened.push(appStore);
      const record = sessionRecord();
      await appStore.createSession(record);
      expect(appStore.driver).toBe(driver);
      await appStore.close();
      expect(raw.isOpen).toBe(true);
      expect(raw.prepare("SELECT session_handle FROM latch_sessions").all()).toEqual([{ session_handle: record.sessionHandle }]);
    });

    it("closed by the app: calls reject with StoreUnavailableError", async () => {
      const raw = rawConnection(driver, path);
      const appStore = store({ database: raw.database });
      await appStore.getSession("warm-up");
      raw.close();
      const error = await rejectionOf(appStore.createSession(sessionRecord()));
      expect(error.code).toBe("STORE_UNAVAILABLE");
      // better-sqlite3 throws a TypeError for a closed connection, node:sqlite an ERR_INVALID_STATE error.
      if (driver === "better-sqlite3") expect(error.cause).toBeInstanceOf(TypeError);
      else expect(error.cause).toMatchObject({ code: "ERR_INVALID_STATE" });
    });

    it("of the other driver than the one asked for: StoreError on first use", async () => {
      const other: SqliteDriverName = driver === "better-sqlite3" ? "node:sqlite" : "better-sqlite3";
      const error = await rejectionOf(store({ database: rawDatabase().database, driver: other }).getSession("x"));
      expect(error.code).toBe("STORE_ERROR");
      expect(error.message).toContain(`driver "${other}" was asked for, but the database passed is a ${driver} database`);
    });
  });

  describe("errors", () => {
    it("a file that is not a database: StoreUnavailableError with the driver error as cause", async () => {
      writeFileSync(path, "this is not a sqlite database, just some text that is long enough to have a header".repeat(20));
      const error = await rejectionOf(store().getSession("x"));
      expect(error.code).toBe("STORE_UNAVAILABLE");
      expect(sqliteCode(error.cause)).toBe("SQLITE_NOTADB");
    });

    it("a path that cannot be opened: StoreUnavailableError", async () => {
      const error = await rejectionOf(store({ path: join(dir, "missing-dir", "latch.db") }).getSession("x"));
      expect(error.code).toBe("STORE_UNAVAILABLE");
    });

    it("a write lock held elsewhere past the busy timeout: StoreUnavailableError, then the store works again", async () => {
      const waiting = store({ busyTimeoutMs: 0 });
      await waiting.getSession("schema first");
      const other = rawDatabase();
      other.exec("BEGIN IMMEDIATE");
      const record = sessionRecord();
      const error = await rejectionOf(waiting.createSession(record));
      expect(error.code).toBe("STORE_UNAVAILABLE");
      expect(sqliteCode(error.cause)).toBe("SQLITE_BUSY");
      other.exec("ROLLBACK");
      expect(await waiting.getSession(record.sessionHandle)).toBeUndefined();
      await waiting.createSession(record);
      expect(await waiting.getSession(record.sessionHandle)).toEqual(record);
    });

    it("close() while the first calls open the file: they reject with StoreUnavailableError, and the file opens again later", async () => {
      const closing = store();
      // Both calls share one opening, which close() overtakes.
      const first = rejectionOf(closing.getSession("x"));
      const second = rejectionOf(closing.createSession(sessionRecord()));
      await closing.close();
      expect([(await first).code, (await second).code]).toEqual(["STORE_UNAVAILABLE", "STORE_UNAVAILABLE"]);
      expect(closing.driver).toBeUndefined();
      // Nothing of the overtaken opening holds the file: another store migrates and writes it.
      const record = sessionRecord();
      await store({ busyTimeoutMs: 0 }).createSession(record);
      expect(await store().getSession(record.sessionHandle)).toEqual(record);
    });

    it("after close(): StoreUnavailableError", async () => {
      const closed = store();
      await closed.getSession("x");
      await closed.close();
      expect((await rejectionOf(closed.getSession("x"))).code).toBe("STORE_UNAVAILABLE");
      expect((await rejectionOf(closed.createSession(sessionRecord()))).code).toBe("STORE_UNAVAILABLE");
    });
  });

  describe("expired sessions are cleaned up by the store itself", () => {
    function countRows(): number {
      return rawDatabase().prepare<[], { n: number }>("SELECT count(*) AS n FROM latch_sessions").get()?.n ?? -1;
    }

    it("on createSession, once per interval: a fresh store deletes what expired before", async () => {
      // An interval longer than the test, so the first store cleans only on its first create.
      const first = store({ cleanupIntervalMs: 3_600_000 });
      await first.createSession(sessionRecord());
      await first.createSession(sessionRecord({ expiresAt: Date.now() - 1_000 }));
      expect(countRows()).toBe(2);
      await first.close();

      const second = store();
      const live = sessionRecord();
      await second.createSession(live);
      expect(countRows()).toBe(2);
      expect(rawDatabase().prepare("SELECT session_handle FROM latch_sessions WHERE expires_at <= ?").all(Date.now())).toEqual([]);
    });

    it("in batches of cleanupBatchSize, letting the event loop run between two batches", async () => {
      const batched = store({ cleanupIntervalMs: 0, cleanupBatchSize: 10 });
      const now = Date.now();
      for (let i = 0; i < 95; i++) await batched.createSession(sessionRecord({ userId: `u${i % 7}`, expiresAt: now - 1_000 }));
      const live = sessionRecord({ userId: "u1" });
      await batched.createSession(live);
      // One statement would let the event loop turn not at all while the cleanup runs.
      const { result: deleted, turns } = await eventLoopTurnsDuring(() => batched.deleteExpiredSessions(now));
      expect(deleted).toBe(95);
      expect(turns).toBeGreaterThanOrEqual(9);
      expect(countRows()).toBe(1);
      expect(await batched.getSession(live.sessionHandle)).toEqual(live);
    });

    it("not when turned off (cleanupIntervalMs: 0)", async () => {
      const first = store({ cleanupIntervalMs: 0 });
      await first.createSession(sessionRecord({ expiresAt: Date.now() - 1_000 }));
      await first.createSession(sessionRecord());
      expect(countRows()).toBe(2);
    });
  });

  describe("entry points", () => {
    it("sqliteStore() and storeFromUrl() open the same kind of store", async () => {
      const record = sessionRecord();
      const viaFactory = sqliteStore({ path, driver });
      opened.push(viaFactory);
      await viaFactory.createSession(record);
      for (const url of [`sqlite:${path}`, `sqlite://${path}`]) {
        const viaUrl = storeFromUrl(url);
        opened.push(viaUrl);
        expect(viaUrl.name).toBe("sqlite");
        expect(await viaUrl.getSession(record.sessionHandle)).toEqual(record);
      }
      const inMemory = storeFromUrl("sqlite::memory:");
      opened.push(inMemory);
      expect(await inMemory.getSession(record.sessionHandle)).toBeUndefined();
      expect(() => storeFromUrl("postgres://x")).toThrow(ConfigError);
    });
  });
}

describe("the driver", () => {
  it("by default: node:sqlite where the runtime has it, else better-sqlite3", async () => {
    const expected: SqliteDriverName = runtimeHasNodeSqlite() ? "node:sqlite" : "better-sqlite3";
    expect(defaultDriver()).toBe(expected);
    const chosen = new SqliteStore({ path });
    opened.push(chosen);
    await chosen.getSession("x");
    expect(chosen.driver).toBe(expected);
    await chosen.close();
    expect(chosen.driver).toBe(expected);
  });

  it.skipIf(runtimeHasNodeSqlite())("node:sqlite asked for on a Node.js without it: StoreError naming the Node.js it needs", async () => {
    const error = await rejectionOf(new SqliteStore({ path, driver: "node:sqlite" }).getSession("x"));
    expect(error.code).toBe("STORE_ERROR");
    expect(error.message).toContain(
      `driver "node:sqlite" is not available on Node.js ${process.version}: node:sqlite needs Node.js 22.13 or later`,
    );
  });

  it("errors of both drivers read as SQLite's result codes", () => {
    for (const name of DRIVERS) {
      const db = rawConnection(name, ":memory:");
      opened.push(db);
      db.exec("CREATE TABLE t (k TEXT PRIMARY KEY)");
      const insert = db.prepare<[string]>("INSERT INTO t (k) VALUES (?)");
      insert.run("a");
      const duplicate = errorOf(() => insert.run("a"));
      expect([name, sqliteCode(duplicate)]).toEqual([name, "SQLITE_CONSTRAINT_PRIMARYKEY"]);
      expect([name, sqliteCode(errorOf(() => db.exec("SELECT * FROM missing")))]).toEqual([name, "SQLITE_ERROR"]);
    }
    expect(sqliteCode(new Error("not from SQLite"))).toBeUndefined();
  });
});

function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}
