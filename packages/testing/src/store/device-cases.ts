import type { SessionRecord, SessionStore } from "@latch/core";
import { describe, expect, it } from "vitest";
import { HOSTILE_IDENTIFIERS, sessionRecord } from "./fixtures";

const FIRST_PAGE = { createdAt: -1, sessionHandle: "" };

interface SuiteContext {
  store: () => SessionStore;
  create: (overrides?: Partial<SessionRecord>) => Promise<SessionRecord>;
  expectExactly: <T>(actual: T, expected: T) => void;
}

function handlesOf(records: readonly SessionRecord[]): string[] {
  return records.map((record) => record.sessionHandle);
}

/** Device details, listing sessions a page at a time, and the concurrent-session cap. */
export function defineDeviceAndCapCases({ store, create, expectExactly }: SuiteContext): void {
  async function liveHandles(userId: string): Promise<string[]> {
    return [...(await store().listSessionHandlesForUser({ userId }, Date.now()))].sort();
  }

  describe("device details", () => {
    it("round-trips the user agent and IP address exactly, and null for either", async () => {
      const records = [
        sessionRecord({ userAgent: `Agent ${HOSTILE_IDENTIFIERS.join(" ")} 🚀`, ip: "2001:db8:85a3::8a2e:370:7334" }),
        sessionRecord({ userAgent: null, ip: null }),
        sessionRecord({ userAgent: "x".repeat(512), ip: "203.0.113.0" }),
      ];
      for (const record of records) {
        await store().createSession(record);
        expectExactly(await store().getSession(record.sessionHandle), record);
      }
    });

    it("keeps them through a refresh-token rotation", async () => {
      const record = await create({ userAgent: "curl/8.5.0", ip: "198.51.100.23" });
      const rotated = await store().rotateRefreshToken({
        sessionHandle: record.sessionHandle,
        expectedRefreshTokenHash2: record.refreshTokenHash2,
        newRefreshTokenHash2: "b".repeat(64),
        rotatedAt: record.createdAt + 5,
        newExpiresAt: record.expiresAt + 5,
      });
      expect(rotated).toBe(true);
      const read = await store().getSession(record.sessionHandle);
      expect(read?.userAgent).toBe("curl/8.5.0");
      expect(read?.ip).toBe("198.51.100.23");
      expect(read?.refreshTokenRotatedAt).toBe(record.createdAt + 5);
    });
  });

  describe("listSessionsForUser", () => {
    it("returns whole records, oldest first, live ones only, in one tenant or all", async () => {
      const base = Date.now() - 10_000;
      const userId = `user-${base}-list`;
      const second = await create({ userId, createdAt: base + 2, tenantId: "t2", userAgent: "B" });
      const first = await create({ userId, createdAt: base + 1, userAgent: "A" });
      await create({ userId, createdAt: base + 3, expiresAt: Date.now() - 1 });
      await create({ createdAt: base });
      const all = await store().listSessionsForUser({ userId }, Date.now(), { limit: 10, after: FIRST_PAGE });
      expectExactly(all, [first, second]);
      const inT2 = await store().listSessionsForUser({ userId, tenantId: "t2" }, Date.now(), { limit: 10, after: FIRST_PAGE });
      expectExactly(inT2, [second]);
      expect(await store().listSessionsForUser({ userId: "nobody" }, Date.now(), { limit: 10, after: FIRST_PAGE })).toEqual([]);
    });

    it("pages through every session once, sessions created in the same millisecond included", async () => {
      const createdAt = Date.now() - 5_000;
      const userId = `user-${createdAt}-pages`;
      const created: SessionRecord[] = [];
      for (let i = 0; i < 7; i++) created.push(await create({ userId, createdAt: createdAt + (i < 4 ? 0 : i) }));
      const seen: string[] = [];
      let after = FIRST_PAGE;
      for (let page = 0; page < 10; page++) {
        const records = await store().listSessionsForUser({ userId }, Date.now(), { limit: 3, after });
        expect(records.length).toBeLessThanOrEqual(3);
        seen.push(...handlesOf(records));
        const last = records.at(-1);
        if (!last || records.length < 3) break;
        after = { createdAt: last.createdAt, sessionHandle: last.sessionHandle };
      }
      expect(seen).toHaveLength(7);
      expect([...seen].sort()).toEqual(handlesOf(created).sort());
      // Oldest first: the four of the same millisecond, then the rest in order.
      expect(seen.slice(4)).toEqual(handlesOf(created.slice(4)));
    });
  });

  describe("createSessionWithinCap", () => {
    it("revokes the oldest live sessions past the cap, of every tenant, and returns them", async () => {
      const base = Date.now() - 10_000;
      const userId = `user-${base}-cap`;
      const oldest = await create({ userId, createdAt: base + 1, tenantId: "other" });
      const middle = await create({ userId, createdAt: base + 2 });
      const newer = await create({ userId, createdAt: base + 3 });
      const expired = await create({ userId, createdAt: base, expiresAt: Date.now() - 1 });
      const bystander = await create({ createdAt: base });
      const record = sessionRecord({ userId, createdAt: base + 4 });
      const revoked = await store().createSessionWithinCap(record, 2, Date.now());
      expect([...revoked].sort()).toEqual([oldest.sessionHandle, middle.sessionHandle].sort());
      expect(await liveHandles(userId)).toEqual([newer.sessionHandle, record.sessionHandle].sort());
      expectExactly(await store().getSession(record.sessionHandle), record);
      expect(await store().getSession(oldest.sessionHandle)).toBeUndefined();
      // Expired sessions do not count against the cap (and are not reported as revoked).
      expect(revoked).not.toContain(expired.sessionHandle);
      expect(await liveHandles(bystander.userId)).toEqual([bystander.sessionHandle]);
    });

    it("revokes nothing under the cap, and keeps the new session when it is not the newest", async () => {
      const base = Date.now() - 10_000;
      const userId = `user-${base}-under`;
      const existing = await create({ userId, createdAt: base + 100 });
      const record = sessionRecord({ userId, createdAt: base });
      expect(await store().createSessionWithinCap(record, 2, Date.now())).toEqual([]);
      const another = sessionRecord({ userId, createdAt: base });
      // Cap 1: the new session stays even though `existing` is newer by createdAt.
      const revoked = await store().createSessionWithinCap(another, 1, Date.now());
      expect([...revoked].sort()).toEqual([existing.sessionHandle, record.sessionHandle].sort());
      expect(await liveHandles(userId)).toEqual([another.sessionHandle]);
    });

    it("rejects a duplicate handle and revokes nothing", async () => {
      const first = await create();
      const other = await create({ userId: first.userId });
      const duplicate = sessionRecord({ sessionHandle: first.sessionHandle, userId: first.userId });
      await expect(store().createSessionWithinCap(duplicate, 1, Date.now())).rejects.toThrow();
      expect(await liveHandles(first.userId)).toEqual([first.sessionHandle, other.sessionHandle].sort());
    });

    it("never leaves more than the cap alive after parallel logins of one user", async () => {
      const userId = `user-${Date.now()}-parallel`;
      const cap = 3;
      const createdAt = Date.now();
      const records = Array.from({ length: 12 }, (_, i) => sessionRecord({ userId, createdAt: createdAt + (i % 4) }));
      const revoked = (await Promise.all(records.map((record) => store().createSessionWithinCap(record, cap, Date.now())))).flat();
      const live = await liveHandles(userId);
      expect(live).toHaveLength(cap);
      // Every session is either alive or was reported revoked, exactly once.
      expect([...live, ...revoked].sort()).toEqual(handlesOf(records).sort());
      expect(new Set(revoked).size).toBe(revoked.length);
    });
  });
}
