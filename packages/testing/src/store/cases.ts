import { Latch, type SessionRecord, type SessionStore } from "@latch/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineDeviceAndCapCases } from "./device-cases";
import { errorCode, rejectionOf } from "./faults";
import { HOSTILE_IDENTIFIERS, hostileJson, largeJson, randomHash, sessionRecord, signingKey } from "./fixtures";
import type { StoreConformanceOptions, StoreFactory, StoreUnderTest } from "./index";
import { defineRevocationFeedCases } from "./revocation-cases";

const HOUR = 3_600_000;

/** Equal as values and as JSON text, so reordered keys or re-encoded numbers fail too. */
function expectExactly<T>(actual: T, expected: T): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

/** The `kid` in a JWT's header. */
function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()).kid;
}

function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

export function defineStoreCases(name: string, factory: StoreFactory, options: StoreConformanceOptions): void {
  const timeout = options.timeout ?? 20_000;
  const suite = options.skip ? describe.skip : describe;

  suite(`${name}: store conformance${options.skip ? ` (skipped: ${options.skip})` : ""}`, { timeout }, () => {
    let current: StoreUnderTest | undefined;
    const extraStores: SessionStore[] = [];

    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      for (const extra of extraStores.splice(0)) await extra.close();
      const finished = current;
      current = undefined;
      if (!finished) return;
      try {
        await finished.store.close();
      } finally {
        await finished.cleanup?.();
      }
    });

    function store(): SessionStore {
      if (!current) throw new Error("the store factory did not run");
      return current.store;
    }

    async function create(overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
      const record = sessionRecord(overrides);
      await store().createSession(record);
      return record;
    }

    it("has a name", () => {
      expect(typeof store().name).toBe("string");
      expect(store().name.length).toBeGreaterThan(0);
    });

    describe("create and read", () => {
      it("round-trips every field exactly: unicode, emoji, nested JSON, SQL, NUL inside JSON values", async () => {
        for (const userId of HOSTILE_IDENTIFIERS) {
          const record = sessionRecord({
            userId,
            recipeUserId: `${userId} (recipe)`,
            tenantId: "tenant_A-1",
            sessionDataInDatabase: hostileJson(),
            accessTokenPayload: { ...hostileJson(), role: "admin" },
            expiresAt: 4_102_444_800_123, // 2100-01-01 plus ms: beyond 32-bit seconds, exact to the ms
            createdAt: 1_700_000_000_001,
          });
          await store().createSession(record);
          expectExactly(await store().getSession(record.sessionHandle), record);
        }
      });

      it("round-trips a session that has been rotated (parent hash and rotation time set)", async () => {
        const record = sessionRecord({ parentRefreshTokenHash2: randomHash(), refreshTokenRotatedAt: 1_700_000_123_456 });
        await store().createSession(record);
        expectExactly(await store().getSession(record.sessionHandle), record);
      });

      it("returns undefined for an unknown handle", async () => {
        await create();
        expect(await store().getSession("no-such-handle")).toBeUndefined();
        expect(await store().getSession("")).toBeUndefined();
        expect(await store().getSession("' OR '1'='1")).toBeUndefined();
      });

      it("keeps its own copy: mutating the record passed in or read back changes nothing stored", async () => {
        const record = await create({ sessionDataInDatabase: { cart: ["a"] } });
        const expected = structuredClone(record);
        (record.sessionDataInDatabase.cart as string[]).push("mutated");
        record.userId = "mutated";
        const read = await store().getSession(expected.sessionHandle);
        if (!read) throw new Error("session missing");
        read.accessTokenPayload.mutated = true;
        expectExactly(await store().getSession(expected.sessionHandle), expected);
      });

      it("rejects a duplicate handle and keeps the first record", async () => {
        const first = await create({ sessionDataInDatabase: { first: true } });
        const duplicate = sessionRecord({
          sessionHandle: first.sessionHandle,
          userId: first.userId,
          sessionDataInDatabase: { first: false },
        });
        const error = await rejectionOf(store().createSession(duplicate));
        expect(error).toBeInstanceOf(Error);
        expect(errorCode(error)).toBe("STORE_ERROR");
        expectExactly(await store().getSession(first.sessionHandle), first);
        expect(await store().listSessionHandlesForUser({ userId: first.userId }, Date.now())).toEqual([first.sessionHandle]);
      });

      it("rejects a duplicate handle even for another user, and lists it only for the first", async () => {
        const first = await create();
        const other = sessionRecord({ sessionHandle: first.sessionHandle });
        await rejectionOf(store().createSession(other));
        expectExactly(await store().getSession(first.sessionHandle), first);
        expect(await store().listSessionHandlesForUser({ userId: other.userId }, Date.now())).toEqual([]);
      });

      it("treats identifiers exactly: case, trailing spaces and accents make different users and handles", async () => {
        const now = Date.now();
        const variants = ["alice", "Alice", "alice ", " alice", "alicé", "alice\u0301"];
        const records = [];
        for (const userId of variants) records.push(await create({ userId, sessionHandle: `h-${userId}` }));
        for (const record of records) {
          expect(await store().listSessionHandlesForUser({ userId: record.userId }, now)).toEqual([record.sessionHandle]);
          expectExactly(await store().getSession(record.sessionHandle), record);
        }
        const tenants = [await create({ userId: "bob", tenantId: "t-a" }), await create({ userId: "bob", tenantId: "T-A" })];
        expect(await store().listSessionHandlesForUser({ userId: "bob", tenantId: "t-a" }, now)).toEqual([tenants[0]?.sessionHandle]);
      });
    });

    describe("updates", () => {
      it("replaces the session data (not a merge) and nothing else", async () => {
        const record = await create({ sessionDataInDatabase: { old: 1, keep: "no" } });
        const data = { ...hostileJson(), new: [1, { two: 2 }] };
        expect(await store().updateSessionData(record.sessionHandle, data)).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), { ...record, sessionDataInDatabase: data });
      });

      it("replaces the access-token payload (not a merge) and nothing else", async () => {
        const record = await create({ accessTokenPayload: { role: "user", stale: true } });
        const payload = { role: "admin", "😀": ["'; DROP TABLE x; --", "nul \u0000"] };
        expect(await store().updateAccessTokenPayload(record.sessionHandle, payload)).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), { ...record, accessTokenPayload: payload });
      });

      it("returns true when the new value equals the stored one (found, not changed)", async () => {
        const record = await create({ sessionDataInDatabase: { same: 1 }, accessTokenPayload: { same: 2 } });
        expect(await store().updateSessionData(record.sessionHandle, { same: 1 })).toBe(true);
        expect(await store().updateAccessTokenPayload(record.sessionHandle, { same: 2 })).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), record);
      });

      it("can set empty objects", async () => {
        const record = await create({ sessionDataInDatabase: { a: 1 }, accessTokenPayload: { b: 2 } });
        expect(await store().updateSessionData(record.sessionHandle, {})).toBe(true);
        expect(await store().updateAccessTokenPayload(record.sessionHandle, {})).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), { ...record, sessionDataInDatabase: {}, accessTokenPayload: {} });
      });

      it("returns false for an unknown handle and creates nothing", async () => {
        const record = await create();
        expect(await store().updateSessionData("no-such-handle", { x: 1 })).toBe(false);
        expect(await store().updateAccessTokenPayload("no-such-handle", { x: 1 })).toBe(false);
        expect(await store().getSession("no-such-handle")).toBeUndefined();
        expectExactly(await store().getSession(record.sessionHandle), record);
      });

      it("returns false once the session is revoked", async () => {
        const record = await create();
        await store().revokeSessions([record.sessionHandle]);
        expect(await store().updateSessionData(record.sessionHandle, { x: 1 })).toBe(false);
        expect(await store().updateAccessTokenPayload(record.sessionHandle, { x: 1 })).toBe(false);
        expect(await store().getSession(record.sessionHandle)).toBeUndefined();
      });

      it("round-trips 512 KB of session data on create and on update", async () => {
        const data = largeJson(512 * 1024);
        expect(JSON.stringify(data).length).toBeGreaterThanOrEqual(512 * 1024);
        const record = await create({ sessionDataInDatabase: data });
        expectExactly(await store().getSession(record.sessionHandle), record);
        const bigger = largeJson(512 * 1024);
        expect(await store().updateSessionData(record.sessionHandle, bigger)).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), { ...record, sessionDataInDatabase: bigger });
      });
    });

    describe("revocation", () => {
      it("revokes one session and leaves the others", async () => {
        const [a, b] = [await create(), await create()];
        expect(await store().revokeSessions([a.sessionHandle])).toEqual([a.sessionHandle]);
        expect(await store().getSession(a.sessionHandle)).toBeUndefined();
        expectExactly(await store().getSession(b.sessionHandle), b);
        expect(await store().listSessionHandlesForUser({ userId: a.userId }, Date.now())).toEqual([]);
      });

      it("revokes many and returns only the handles that existed, each once", async () => {
        const records = [];
        for (let i = 0; i < 120; i++) records.push(await create({ userId: `user-${i % 7}` }));
        const handles = records.map((r) => r.sessionHandle);
        const asked = [...handles, "no-such-handle", handles[0] ?? "", "another-unknown"];
        expect(sorted(await store().revokeSessions(asked))).toEqual(sorted(handles));
        for (const handle of handles) expect(await store().getSession(handle)).toBeUndefined();
        expect(await store().revokeSessions(handles)).toEqual([]);
      });

      it("accepts an empty list", async () => {
        const record = await create();
        expect(await store().revokeSessions([])).toEqual([]);
        expectExactly(await store().getSession(record.sessionHandle), record);
      });

      it("revokes every session of a user in every tenant, and nobody else's", async () => {
        const userId = HOSTILE_IDENTIFIERS[0];
        const mine = [
          await create({ userId, tenantId: "public" }),
          await create({ userId, tenantId: "t1" }),
          await create({ userId, tenantId: "t2" }),
        ];
        const others = [await create({ userId: `${userId} ` }), await create({ userId: "someone", tenantId: "t1" })];
        expect(sorted(await store().revokeSessionsForUser({ userId }))).toEqual(sorted(mine.map((r) => r.sessionHandle)));
        for (const record of mine) expect(await store().getSession(record.sessionHandle)).toBeUndefined();
        for (const record of others) expectExactly(await store().getSession(record.sessionHandle), record);
        expect(await store().revokeSessionsForUser({ userId })).toEqual([]);
      });

      it("revokes a user's sessions in one tenant only", async () => {
        const userId = "multi-tenant-user";
        const inT1 = [await create({ userId, tenantId: "t1" }), await create({ userId, tenantId: "t1" })];
        const inT2 = await create({ userId, tenantId: "t2" });
        const otherUserInT1 = await create({ tenantId: "t1" });
        expect(sorted(await store().revokeSessionsForUser({ userId, tenantId: "t1" }))).toEqual(sorted(inT1.map((r) => r.sessionHandle)));
        expect(await store().listSessionHandlesForUser({ userId }, Date.now())).toEqual([inT2.sessionHandle]);
        expectExactly(await store().getSession(otherUserInT1.sessionHandle), otherUserInT1);
        expect(await store().revokeSessionsForUser({ userId, tenantId: "unknown-tenant" })).toEqual([]);
      });

      it("revokes expired sessions of a user too (they still exist until deleted)", async () => {
        const userId = "with-expired";
        const now = Date.now();
        const live = await create({ userId });
        const expiresSoon = await create({ userId, expiresAt: now + HOUR / 2 });
        // Not listed one hour later, but still a row the user's revoke must remove.
        expect(await store().listSessionHandlesForUser({ userId }, now + HOUR / 2)).toEqual([live.sessionHandle]);
        const revoked = await store().revokeSessionsForUser({ userId });
        expect(sorted(revoked)).toEqual(sorted([live.sessionHandle, expiresSoon.sessionHandle]));
      });

      it("returns an empty list for a user without sessions", async () => {
        await create();
        expect(await store().revokeSessionsForUser({ userId: "nobody" })).toEqual([]);
        expect(await store().revokeSessionsForUser({ userId: "nobody", tenantId: "public" })).toEqual([]);
      });
    });

    describe("listing", () => {
      it("lists a user's sessions in every tenant or in one", async () => {
        const userId = HOSTILE_IDENTIFIERS[3];
        const now = Date.now();
        const pub = [await create({ userId }), await create({ userId })];
        const t1 = await create({ userId, tenantId: "t1" });
        await create({ userId: "someone-else" });
        await create({ userId: "someone-else", tenantId: "t1" });
        expect(sorted(await store().listSessionHandlesForUser({ userId }, now))).toEqual(sorted([...pub, t1].map((r) => r.sessionHandle)));
        expect(sorted(await store().listSessionHandlesForUser({ userId, tenantId: undefined }, now))).toEqual(
          sorted([...pub, t1].map((r) => r.sessionHandle)),
        );
        expect(sorted(await store().listSessionHandlesForUser({ userId, tenantId: "public" }, now))).toEqual(
          sorted(pub.map((r) => r.sessionHandle)),
        );
        expect(await store().listSessionHandlesForUser({ userId, tenantId: "t1" }, now)).toEqual([t1.sessionHandle]);
        expect(await store().listSessionHandlesForUser({ userId, tenantId: "t2" }, now)).toEqual([]);
        expect(await store().listSessionHandlesForUser({ userId: "nobody" }, now)).toEqual([]);
      });

      it("excludes expired sessions, using the `now` it is given (expiresAt <= now is expired)", async () => {
        const userId = "expiring-user";
        const now = Date.now();
        const early = await create({ userId, expiresAt: now + HOUR });
        const late = await create({ userId, tenantId: "t1", expiresAt: now + 2 * HOUR });
        const both = sorted([early.sessionHandle, late.sessionHandle]);
        expect(sorted(await store().listSessionHandlesForUser({ userId }, now))).toEqual(both);
        expect(sorted(await store().listSessionHandlesForUser({ userId }, now + HOUR - 1))).toEqual(both);
        expect(await store().listSessionHandlesForUser({ userId }, now + HOUR)).toEqual([late.sessionHandle]);
        expect(await store().listSessionHandlesForUser({ userId, tenantId: "public" }, now + HOUR)).toEqual([]);
        expect(await store().listSessionHandlesForUser({ userId, tenantId: "t1" }, now + HOUR)).toEqual([late.sessionHandle]);
        expect(await store().listSessionHandlesForUser({ userId }, now + 2 * HOUR)).toEqual([]);
      });

      it("excludes a session created already expired", async () => {
        const userId = "born-expired";
        const now = Date.now();
        const live = await create({ userId });
        await create({ userId, expiresAt: now - 1_000 });
        expect(await store().listSessionHandlesForUser({ userId }, now)).toEqual([live.sessionHandle]);
      });

      it("lists a session again after its rotation extended it", async () => {
        const now = Date.now();
        const record = await create({ expiresAt: now + HOUR });
        const rotated = await store().rotateRefreshToken({
          sessionHandle: record.sessionHandle,
          expectedRefreshTokenHash2: record.refreshTokenHash2,
          newRefreshTokenHash2: randomHash(),
          rotatedAt: now,
          newExpiresAt: now + 3 * HOUR,
        });
        expect(rotated).toBe(true);
        expect(await store().listSessionHandlesForUser({ userId: record.userId }, now + 2 * HOUR)).toEqual([record.sessionHandle]);
      });
    });

    describe("expired sessions", () => {
      it("deletes sessions with expiresAt <= now, returns how many, and keeps the rest", async () => {
        const now = Date.now();
        // In the future by the wall clock, so a store that expires rows by itself (TTL) keeps them.
        const expiring = [
          await create({ expiresAt: now + HOUR }),
          await create({ expiresAt: now + HOUR, tenantId: "t1" }),
          await create({ expiresAt: now + HOUR / 2 }),
        ];
        const staying = [await create({ expiresAt: now + HOUR + 1 }), await create({ expiresAt: now + 5 * HOUR })];
        expect(await store().deleteExpiredSessions(now + HOUR)).toBe(expiring.length);
        for (const record of expiring) {
          expect(await store().getSession(record.sessionHandle)).toBeUndefined();
          expect(await store().listSessionHandlesForUser({ userId: record.userId }, now)).toEqual([]);
        }
        for (const record of staying) expectExactly(await store().getSession(record.sessionHandle), record);
        expect(await store().deleteExpiredSessions(now + HOUR)).toBe(0);
      });

      it("returns 0 when nothing has expired", async () => {
        const record = await create();
        expect(await store().deleteExpiredSessions(Date.now())).toBe(0);
        expectExactly(await store().getSession(record.sessionHandle), record);
      });

      it("deletes every expired session over many batches, and none of the live ones", async () => {
        // More expired rows than a small cleanupBatchSize (the stores' own suites set 4): the cleanup
        // must keep going batch after batch until nothing expired is left.
        const now = Date.now();
        const users = ["batch-a", "batch-b", "batch-c", "batch-d", "batch-e"];
        const expired: SessionRecord[] = [];
        const live: SessionRecord[] = [];
        for (let i = 0; i < 25; i++) {
          expired.push(await create({ userId: users[i % users.length], tenantId: i % 2 ? "t1" : "public", expiresAt: now + HOUR - i }));
        }
        for (let i = 0; i < 6; i++) live.push(await create({ userId: users[i % users.length], expiresAt: now + HOUR + 1 + i }));
        expect(await store().deleteExpiredSessions(now + HOUR)).toBe(expired.length);
        for (const record of expired) expect(await store().getSession(record.sessionHandle)).toBeUndefined();
        for (const record of live) expectExactly(await store().getSession(record.sessionHandle), record);
        for (const userId of users) {
          const expected = live.filter((record) => record.userId === userId).map((record) => record.sessionHandle);
          expect(sorted(await store().listSessionHandlesForUser({ userId }, now))).toEqual(sorted(expected));
        }
        expect(await store().deleteExpiredSessions(now + HOUR)).toBe(0);
      });

      it("deletes only the expired sessions of a user, the live ones stay listed and revocable", async () => {
        const now = Date.now();
        const userId = "mixed-expiry";
        const gone = await create({ userId, expiresAt: now + HOUR });
        const kept = await create({ userId, expiresAt: now + 3 * HOUR });
        expect(await store().deleteExpiredSessions(now + 2 * HOUR)).toBe(1);
        expect(await store().getSession(gone.sessionHandle)).toBeUndefined();
        expect(await store().listSessionHandlesForUser({ userId }, now)).toEqual([kept.sessionHandle]);
        expect(await store().revokeSessionsForUser({ userId })).toEqual([kept.sessionHandle]);
      });
    });

    describe("refresh-token rotation (compare-and-set)", () => {
      it("rotates: the old current becomes the parent, expiry and rotation time are set, nothing else changes", async () => {
        const record = await create({ sessionDataInDatabase: { keep: "me" } });
        const next = randomHash();
        const rotatedAt = record.createdAt + 1_234;
        const newExpiresAt = record.expiresAt + 5 * HOUR;
        const input = {
          sessionHandle: record.sessionHandle,
          expectedRefreshTokenHash2: record.refreshTokenHash2,
          newRefreshTokenHash2: next,
          rotatedAt,
          newExpiresAt,
        };
        expect(await store().rotateRefreshToken(input)).toBe(true);
        const afterFirst = {
          ...record,
          refreshTokenHash2: next,
          parentRefreshTokenHash2: record.refreshTokenHash2,
          refreshTokenRotatedAt: rotatedAt,
          expiresAt: newExpiresAt,
        };
        expectExactly(await store().getSession(record.sessionHandle), afterFirst);

        const third = randomHash();
        expect(
          await store().rotateRefreshToken({
            sessionHandle: record.sessionHandle,
            expectedRefreshTokenHash2: next,
            newRefreshTokenHash2: third,
            rotatedAt: rotatedAt + 1,
            newExpiresAt: newExpiresAt + 1,
          }),
        ).toBe(true);
        expectExactly(await store().getSession(record.sessionHandle), {
          ...afterFirst,
          refreshTokenHash2: third,
          parentRefreshTokenHash2: next,
          refreshTokenRotatedAt: rotatedAt + 1,
          expiresAt: newExpiresAt + 1,
        });
      });

      it("returns false and changes nothing when the expected hash is stale", async () => {
        const record = await create();
        const next = randomHash();
        const rotate = (expected: string, newHash: string) =>
          store().rotateRefreshToken({
            sessionHandle: record.sessionHandle,
            expectedRefreshTokenHash2: expected,
            newRefreshTokenHash2: newHash,
            rotatedAt: record.createdAt + 10,
            newExpiresAt: record.expiresAt + HOUR,
          });
        expect(await rotate(randomHash(), randomHash())).toBe(false);
        expectExactly(await store().getSession(record.sessionHandle), record);

        expect(await rotate(record.refreshTokenHash2, next)).toBe(true);
        const afterRotation = await store().getSession(record.sessionHandle);
        // The parent (one rotation old) is stale now too.
        expect(await rotate(record.refreshTokenHash2, randomHash())).toBe(false);
        expectExactly(await store().getSession(record.sessionHandle), afterRotation);
      });

      it("returns false for an unknown or revoked handle and creates nothing", async () => {
        const record = await create();
        const input = {
          sessionHandle: "no-such-handle",
          expectedRefreshTokenHash2: record.refreshTokenHash2,
          newRefreshTokenHash2: randomHash(),
          rotatedAt: Date.now(),
          newExpiresAt: Date.now() + HOUR,
        };
        expect(await store().rotateRefreshToken(input)).toBe(false);
        expect(await store().getSession("no-such-handle")).toBeUndefined();
        await store().revokeSessions([record.sessionHandle]);
        expect(await store().rotateRefreshToken({ ...input, sessionHandle: record.sessionHandle })).toBe(false);
        expect(await store().getSession(record.sessionHandle)).toBeUndefined();
      });

      it("lets exactly one of 20 parallel rotations with the same expected hash win", async () => {
        const record = await create();
        const candidates = Array.from({ length: 20 }, () => randomHash());
        const results = await Promise.all(
          candidates.map((newRefreshTokenHash2, i) =>
            store().rotateRefreshToken({
              sessionHandle: record.sessionHandle,
              expectedRefreshTokenHash2: record.refreshTokenHash2,
              newRefreshTokenHash2,
              rotatedAt: record.createdAt + i,
              newExpiresAt: record.expiresAt + i,
            }),
          ),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
        const winner = results.indexOf(true);
        expectExactly(await store().getSession(record.sessionHandle), {
          ...record,
          refreshTokenHash2: candidates[winner] ?? "",
          parentRefreshTokenHash2: record.refreshTokenHash2,
          refreshTokenRotatedAt: record.createdAt + winner,
          expiresAt: record.expiresAt + winner,
        });
      });
    });

    describe("concurrency", () => {
      it("keeps all of 50 parallel creates for one user", async () => {
        const userId = "busy-user";
        const records = Array.from({ length: 50 }, (_, i) => sessionRecord({ userId, tenantId: i % 2 === 0 ? "public" : "t1" }));
        await Promise.all(records.map((record) => store().createSession(record)));
        const now = Date.now();
        expect(sorted(await store().listSessionHandlesForUser({ userId }, now))).toEqual(sorted(records.map((r) => r.sessionHandle)));
        expect(await store().listSessionHandlesForUser({ userId, tenantId: "t1" }, now)).toHaveLength(25);
        const read = await Promise.all(records.map((record) => store().getSession(record.sessionHandle)));
        expectExactly(read, records);
      });

      it("reports each handle once when parallel revokes race for the same sessions", async () => {
        const userId = "raced-user";
        const records = Array.from({ length: 20 }, () => sessionRecord({ userId }));
        for (const record of records) await store().createSession(record);
        const handles = records.map((r) => r.sessionHandle);
        const results = await Promise.all([
          ...Array.from({ length: 5 }, () => store().revokeSessions(handles)),
          ...Array.from({ length: 5 }, () => store().revokeSessionsForUser({ userId })),
        ]);
        expect(sorted(results.flat())).toEqual(sorted(handles));
        expect(await store().listSessionHandlesForUser({ userId }, Date.now())).toEqual([]);
      });

      it("keeps every write of parallel updates on different sessions", async () => {
        const records = Array.from({ length: 20 }, () => sessionRecord());
        await Promise.all(records.map((record) => store().createSession(record)));
        await Promise.all(records.map((record, i) => store().updateSessionData(record.sessionHandle, { i })));
        for (const [i, record] of records.entries()) {
          expect((await store().getSession(record.sessionHandle))?.sessionDataInDatabase).toEqual({ i });
        }
      });
    });

    defineDeviceAndCapCases({ store, create, expectExactly });

    describe("with a revocation feed", () => {
      beforeEach((context) => {
        // Stores without watchRevocations (it is optional) report these cases as skipped.
        if (!store().watchRevocations) context.skip();
      });
      defineRevocationFeedCases({
        store,
        async sibling() {
          if (!current?.reopen) return store();
          const other = await current.reopen();
          extraStores.push(other);
          return other;
        },
      });
    });

    describe("signing keys", () => {
      it("starts empty, then returns what was added, exactly", async () => {
        expect(await store().getSigningKeys()).toEqual([]);
        const keys = [
          signingKey({ algorithm: "RS256", createdAt: 1_700_000_000_000 }),
          signingKey({ algorithm: "ES256" }),
          signingKey({ algorithm: "EdDSA", kid: "kid with ünïcødé 😀 and '; DROP TABLE x; --" }),
        ];
        for (const key of keys) await store().addSigningKey(key);
        const read = await store().getSigningKeys();
        const byKid = (a: { kid: string }, b: { kid: string }) => (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
        expect([...read].sort(byKid)).toStrictEqual([...keys].sort(byKid));
      });

      it("treats adding an existing kid as a no-op (the first key stays)", async () => {
        const first = signingKey();
        await store().addSigningKey(first);
        await store().addSigningKey({ ...signingKey({ kid: first.kid }), algorithm: "RS256" });
        expect(await store().getSigningKeys()).toStrictEqual([first]);
      });

      it("tolerates parallel adds of one kid (several processes starting at once)", async () => {
        const keys = Array.from({ length: 10 }, () => signingKey({ kid: "shared-kid" }));
        await Promise.all(keys.map((key) => store().addSigningKey(key)));
        const read = await store().getSigningKeys();
        expect(read).toHaveLength(1);
        expect(keys).toContainEqual(read[0]);
      });

      it("ends a cold burst on two Latch servers sharing the store with one signing key", async () => {
        const under = current;
        // A second connection where the store can open one (as a second process would have).
        const other = under?.reopen ? await under.reopen() : store();
        if (other !== store()) extraStores.push(other);
        const server = (s: SessionStore) => new Latch({ store: s, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "ES256" });
        const [a, b] = [server(store()), server(other)];
        const logins = Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).createNewSessionWithoutRequestResponse("public", `burst-${i}`),
        );
        const kids = new Set((await Promise.all(logins)).map((s) => kidOf(s.getAllSessionTokensDangerously().accessToken)));
        const stored = await store().getSigningKeys();
        expect(stored.map((k) => k.kid)).toEqual([...kids]);
        expect(stored[0]?.kid).toMatch(/^d-es256-\d+$/);
      });

      it("removes the given kids and ignores unknown ones", async () => {
        const [a, b, c] = [signingKey(), signingKey(), signingKey()];
        for (const key of [a, b, c]) await store().addSigningKey(key);
        await store().removeSigningKeys([a.kid, "unknown-kid", c.kid]);
        expect(await store().getSigningKeys()).toStrictEqual([b]);
        await store().removeSigningKeys([]);
        await store().removeSigningKeys(["unknown-kid"]);
        expect(await store().getSigningKeys()).toStrictEqual([b]);
        await store().removeSigningKeys([b.kid]);
        expect(await store().getSigningKeys()).toEqual([]);
      });

      it("keeps keys and sessions apart", async () => {
        const record = await create();
        await store().addSigningKey(signingKey({ kid: record.sessionHandle }));
        expect(await store().revokeSessions([record.sessionHandle])).toEqual([record.sessionHandle]);
        expect(await store().getSigningKeys()).toHaveLength(1);
        expect(await store().deleteExpiredSessions(Number.MAX_SAFE_INTEGER)).toBe(0);
        expect(await store().getSigningKeys()).toHaveLength(1);
      });
    });

    describe("close()", () => {
      it("resolves, can be called twice, and afterwards a call works or rejects with StoreUnavailableError", async () => {
        const record = await create();
        await store().close();
        await store().close();
        const outcome = await store()
          .getSession(record.sessionHandle)
          .then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
        if ("error" in outcome) {
          expect(outcome.error).toBeInstanceOf(Error);
          expect(errorCode(outcome.error)).toBe("STORE_UNAVAILABLE");
        }
      });

      it("persists sessions and keys across close() and a reopen (persistent stores)", async (context) => {
        const under = current;
        // MemoryStore and other non-persistent stores have nothing to reopen: reported as skipped.
        if (!under?.reopen) return context.skip();
        const record = await create({ sessionDataInDatabase: hostileJson() });
        const key = signingKey();
        await store().addSigningKey(key);
        await store().close();
        const reopened = await under.reopen();
        extraStores.push(reopened);
        expectExactly(await reopened.getSession(record.sessionHandle), record);
        expect(await reopened.listSessionHandlesForUser({ userId: record.userId }, Date.now())).toEqual([record.sessionHandle]);
        expect(await reopened.getSigningKeys()).toStrictEqual([key]);
      });
    });
  });
}
