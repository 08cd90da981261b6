import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { ConformanceCase } from "./cases";
import type { ConformanceContext } from "./context";
import type { HttpClient, Reply } from "./http-client";

// GET /me/sessions with device details, POST /me/revoke-others and LATCH_MAX_SESSIONS_PER_USER,
// as shared/example-app.md gives them.

const REFRESH = "/auth/session/refresh";
const UNAUTHORISED = '{"message":"unauthorised"}';

interface DeviceSession {
  sessionHandle: string;
  current: boolean;
  createdAt: number;
  lastActiveAt: number;
  userAgent: string | null;
  ip: string | null;
}

interface SessionsBody {
  sessionHandles: string[];
  sessions: DeviceSession[];
}

function handleOf(login: Reply): string {
  return (login.body as { sessionHandle: string }).sessionHandle;
}

async function sessionsOf(client: HttpClient): Promise<SessionsBody> {
  const reply = await client.get("/me/sessions");
  assert.equal(reply.status, 200, reply.text);
  return reply.body as SessionsBody;
}

async function loginAs(ctx: ConformanceContext, userId: string, userAgent: string): Promise<{ client: HttpClient; handle: string }> {
  const client = ctx.client();
  return { client, handle: handleOf(await ctx.login(client, { userId }, { "user-agent": userAgent })) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const deviceCases: ConformanceCase[] = [
  {
    name: "GET /me/sessions lists each device: this one marked current, created and last-active times, user agent and IP",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const before = Date.now();
      const laptop = await loginAs(ctx, userId, "Mozilla/5.0 (Macintosh) Latch-conformance laptop");
      const phone = await loginAs(ctx, userId, "Mozilla/5.0 (iPhone) Latch-conformance phone");
      const body = await sessionsOf(laptop.client);
      assert.deepEqual([...body.sessionHandles].sort(), [laptop.handle, phone.handle].sort());
      assert.deepEqual(
        body.sessions.map((entry) => entry.sessionHandle),
        body.sessionHandles,
        "sessions and sessionHandles list the same sessions",
      );
      const byHandle = new Map(body.sessions.map((entry) => [entry.sessionHandle, entry]));
      const mine = byHandle.get(laptop.handle);
      const other = byHandle.get(phone.handle);
      assert.ok(mine && other, JSON.stringify(body));
      assert.deepEqual(Object.keys(mine).sort(), ["createdAt", "current", "ip", "lastActiveAt", "sessionHandle", "userAgent"]);
      assert.equal(mine.current, true);
      assert.equal(other.current, false);
      assert.equal(mine.userAgent, "Mozilla/5.0 (Macintosh) Latch-conformance laptop");
      assert.equal(other.userAgent, "Mozilla/5.0 (iPhone) Latch-conformance phone");
      for (const entry of [mine, other]) {
        assert.ok(entry.createdAt >= before - 1_000 && entry.createdAt <= Date.now() + 1_000, `createdAt ${entry.createdAt}`);
        assert.equal(entry.lastActiveAt, entry.createdAt, "never refreshed: last active at creation");
        // Every example listens on 127.0.0.1; a runtime that does not report the peer gives null.
        assert.ok(entry.ip === null || entry.ip === "127.0.0.1", `ip ${entry.ip}`);
      }
      assert.equal((await sessionsOf(phone.client)).sessions.find((entry) => entry.current)?.sessionHandle, phone.handle);
    },
  },
  {
    name: "a refresh moves lastActiveAt; a request with the access token does not",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const device = await loginAs(ctx, userId, "Latch-conformance refresher");
      const created = (await sessionsOf(device.client)).sessions[0];
      assert.ok(created);
      await sleep(20);
      assert.equal((await device.client.get("/me")).status, 200);
      assert.equal((await sessionsOf(device.client)).sessions[0]?.lastActiveAt, created.createdAt);
      assert.equal((await device.client.post(REFRESH)).status, 200);
      const refreshed = (await sessionsOf(device.client)).sessions[0];
      assert.ok(refreshed && refreshed.lastActiveAt > created.createdAt, JSON.stringify(refreshed));
      assert.equal(refreshed.createdAt, created.createdAt);
    },
  },
  {
    name: "POST /me/revoke-others signs out every other device of the user and keeps this one",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const keep = await loginAs(ctx, userId, "keep");
      const others = [await loginAs(ctx, userId, "other 1"), await loginAs(ctx, userId, "other 2")];
      const bystander = await loginAs(ctx, `user-${randomUUID()}`, "someone else");
      const reply = await keep.client.post("/me/revoke-others");
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.text, '{"revoked":2}');
      for (const other of others) {
        const refresh = await other.client.post(REFRESH);
        assert.equal(refresh.status, 401);
        assert.equal(refresh.text, UNAUTHORISED);
      }
      assert.equal((await keep.client.post(REFRESH)).status, 200);
      const left = await sessionsOf(keep.client);
      assert.deepEqual(left.sessionHandles, [keep.handle]);
      assert.equal(left.sessions[0]?.current, true);
      assert.equal((await bystander.client.post(REFRESH)).status, 200);
      assert.equal((await keep.client.post("/me/revoke-others")).text, '{"revoked":0}');
    },
  },
];

/** For an app started with LATCH_MAX_SESSIONS_PER_USER=2. */
export const sessionCapCases: ConformanceCase[] = [
  {
    name: "a login past the cap signs out the oldest session",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const oldest = await loginAs(ctx, userId, "first");
      await sleep(5);
      const middle = await loginAs(ctx, userId, "second");
      await sleep(5);
      const newest = await loginAs(ctx, userId, "third");
      const refresh = await oldest.client.post(REFRESH);
      assert.equal(refresh.status, 401);
      assert.equal(refresh.text, UNAUTHORISED);
      assert.equal((await middle.client.post(REFRESH)).status, 200);
      assert.equal((await newest.client.post(REFRESH)).status, 200);
      assert.deepEqual([...(await sessionsOf(newest.client)).sessionHandles].sort(), [middle.handle, newest.handle].sort());
    },
  },
  {
    name: "parallel logins of one user never leave more sessions than the cap",
    async run(ctx) {
      const userId = `user-${randomUUID()}`;
      const devices = await Promise.all(Array.from({ length: 8 }, (_, i) => loginAs(ctx, userId, `parallel ${i}`)));
      const refreshes = await Promise.all(devices.map((device) => device.client.post(REFRESH)));
      const alive = devices.filter((_, i) => refreshes[i]?.status === 200);
      assert.equal(alive.length, 2, refreshes.map((reply) => reply.status).join(","));
      const [first] = alive;
      assert.ok(first);
      assert.deepEqual([...(await sessionsOf(first.client)).sessionHandles].sort(), alive.map((device) => device.handle).sort());
    },
  },
];
