import { describe, expect, it, vi } from "vitest";
import type { BaseRequest } from "../src/http/base-request";
import {
  InvalidInputError,
  Latch,
  type LatchConfig,
  type LatchEvent,
  MemoryStore,
  type SessionStore,
  StoreUnavailableError,
  TokenTheftError,
} from "../src/index";
import { storedIp, storedUserAgent } from "../src/session/client-ip";
import { RecordingRequest, RecordingResponse } from "./support/recording-http";

function latchWith(overrides: Partial<LatchConfig> = {}, store: SessionStore = new MemoryStore()) {
  return new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", ...overrides });
}

/** A login request from this address with this User-Agent. */
function loginFrom(ip: string | undefined, userAgent?: string): BaseRequest {
  const request = new RecordingRequest("POST", userAgent === undefined ? {} : { "user-agent": userAgent }, "/login");
  request.getClientIp = () => ip;
  return request;
}

async function login(latch: Latch, userId: string, request: BaseRequest = loginFrom("203.0.113.9", "agent")) {
  return latch.createNewSession(request, new RecordingResponse(), "public", userId);
}

describe("storedIp", () => {
  it("keeps a whole address in canonical form, IPv4-mapped IPv6 as IPv4", () => {
    expect(storedIp("203.0.113.9", "full")).toBe("203.0.113.9");
    expect(storedIp("::ffff:127.0.0.1", "full")).toBe("127.0.0.1");
    expect(storedIp("2001:DB8:0:0:1:0:0:1", "full")).toBe("2001:db8::1:0:0:1");
    expect(storedIp("[fe80::1%eth0]", "full")).toBe("fe80::1");
    expect(storedIp("::1", "full")).toBe("::1");
  });

  it("truncates IPv4 to its /24 and IPv6 to its /48", () => {
    expect(storedIp("203.0.113.9", "truncated")).toBe("203.0.113.0");
    expect(storedIp("::ffff:198.51.100.200", "truncated")).toBe("198.51.100.0");
    expect(storedIp("2001:db8:85a3:8d3:1319:8a2e:370:7348", "truncated")).toBe("2001:db8:85a3::");
    expect(storedIp("::1", "truncated")).toBe("::");
  });

  it("stores nothing with 'none', for no address, and for anything that is not an address", () => {
    expect(storedIp("203.0.113.9", "none")).toBeNull();
    expect(storedIp(undefined, "full")).toBeNull();
    for (const junk of ["", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "::1::", "<script>", "1.2.3.4, 5.6.7.8", "gggg::1"]) {
      expect(storedIp(junk, "full")).toBeNull();
    }
  });

  it("keeps at most 512 characters of a User-Agent, and none of an empty one", () => {
    expect(storedUserAgent("x".repeat(2_000))).toHaveLength(512);
    expect(storedUserAgent("  ")).toBeNull();
    expect(storedUserAgent(undefined)).toBeNull();
  });
});

describe("device details", () => {
  it("getSessionInformation returns createdAt, lastActiveAt (moved by a refresh only), user agent and IP", async () => {
    const latch = latchWith();
    const session = await login(latch, "alice", loginFrom("::ffff:203.0.113.9", "Firefox/128.0"));
    const created = await latch.getSessionInformation(session.getHandle());
    expect(created).toMatchObject({ userAgent: "Firefox/128.0", ip: "203.0.113.9" });
    expect(created?.lastActiveAt).toBe(created?.createdAt);
    expect(created?.timeCreated).toBe(created?.createdAt);

    await latch.getSessionWithoutRequestResponse(session.getAccessToken());
    expect((await latch.getSessionInformation(session.getHandle()))?.lastActiveAt).toBe(created?.createdAt);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const refreshToken = session.getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(refreshToken);
    const refreshed = await latch.getSessionInformation(session.getHandle());
    expect(refreshed?.lastActiveAt).toBeGreaterThan(created?.createdAt ?? Number.POSITIVE_INFINITY);
    expect(refreshed?.createdAt).toBe(created?.createdAt);
  });

  it("stores the IP truncated or not at all, as configured; the app's getClientIp wins", async () => {
    const truncated = latchWith({ ipAddress: "truncated" });
    const a = await login(truncated, "alice", loginFrom("198.51.100.77"));
    expect((await truncated.getSessionInformation(a.getHandle()))?.ip).toBe("198.51.100.0");
    const none = latchWith({ ipAddress: "none" });
    const b = await login(none, "alice", loginFrom("198.51.100.77"));
    expect((await none.getSessionInformation(b.getHandle()))?.ip).toBeNull();
    const proxied = latchWith({ getClientIp: (req) => req.getHeader("x-real-ip") });
    const request = new RecordingRequest("POST", { "x-real-ip": "192.0.2.44" }, "/login");
    const c = await proxied.createNewSession(request, new RecordingResponse(), "public", "alice");
    expect((await proxied.getSessionInformation(c.getHandle()))?.ip).toBe("192.0.2.44");
  });

  it("listSessionsForUser pages through a user's sessions with a cursor, oldest first", async () => {
    const latch = latchWith();
    const handles: string[] = [];
    for (let i = 0; i < 5; i++) handles.push((await login(latch, "carol")).getHandle());
    await login(latch, "dave");
    const first = await latch.listSessionsForUser("carol", { limit: 2 });
    expect(first.sessions).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const seen = [...first.sessions];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await latch.listSessionsForUser("carol", { limit: 2, cursor });
      seen.push(...page.sessions);
      cursor = page.nextCursor;
    }
    expect(seen.map((info) => info.sessionHandle).sort()).toEqual([...handles].sort());
    expect(seen.every((info) => info.userAgent === "agent" && info.ip === "203.0.113.9")).toBe(true);
    const all = await latch.listSessionsForUser("carol");
    expect(all.nextCursor).toBeUndefined();
    expect(all.sessions).toHaveLength(5);
  });

  it("listSessionsForUser refuses a bad limit or cursor", async () => {
    const latch = latchWith();
    await expect(latch.listSessionsForUser("carol", { limit: 0 })).rejects.toThrow(InvalidInputError);
    await expect(latch.listSessionsForUser("carol", { limit: 1001 })).rejects.toThrow(InvalidInputError);
    await expect(latch.listSessionsForUser("carol", { cursor: "not-a-cursor" })).rejects.toThrow(InvalidInputError);
  });
});

describe("maxSessionsPerUser", () => {
  it("revokes the oldest sessions of a login past the cap", async () => {
    const latch = latchWith({ maxSessionsPerUser: 2 });
    const first = await login(latch, "erin");
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await login(latch, "erin");
    await new Promise((resolve) => setTimeout(resolve, 2));
    const third = await login(latch, "erin");
    expect((await latch.getAllSessionHandlesForUser("erin")).sort()).toEqual([second.getHandle(), third.getHandle()].sort());
    expect(await latch.getSessionInformation(first.getHandle())).toBeUndefined();
  });

  it("is validated", () => {
    expect(() => latchWith({ maxSessionsPerUser: 0 })).toThrow(/maxSessionsPerUser/);
    expect(() => latchWith({ maxSessionsPerUser: 1.5 })).toThrow(/maxSessionsPerUser/);
  });
});

describe("revokeOtherSessionsForUser", () => {
  it("revokes every session of the user but the one kept", async () => {
    const latch = latchWith();
    const keep = await login(latch, "frank");
    await login(latch, "frank");
    await latch.createNewSessionWithoutRequestResponse("tenant2", "frank");
    const bystander = await login(latch, "grace");
    expect(await latch.revokeOtherSessionsForUser("frank", keep.getHandle())).toHaveLength(2);
    expect(await latch.getAllSessionHandlesForUser("frank")).toEqual([keep.getHandle()]);
    expect(await latch.getAllSessionHandlesForUser("grace")).toEqual([bystander.getHandle()]);
  });
});

describe("onEvent", () => {
  function recordingLatch(overrides: Partial<LatchConfig> = {}, store?: SessionStore) {
    const events: LatchEvent[] = [];
    const latch = latchWith({ onEvent: (event) => void events.push(event), ...overrides }, store);
    return { latch, events };
  }

  it("reports created, refreshed, revoked (with reason) and theft, with handle, user and tenant", async () => {
    const { latch, events } = recordingLatch({ maxSessionsPerUser: 1 });
    const session = await latch.createNewSessionWithoutRequestResponse("t1", "heidi");
    const handle = session.getHandle();
    const first = session.getAllSessionTokensDangerously().refreshToken ?? "";
    const second = (await latch.refreshSessionWithoutRequestResponse(first)).getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(second);
    await expect(latch.refreshSessionWithoutRequestResponse(first)).rejects.toThrow(TokenTheftError);
    const capped = await latch.createNewSessionWithoutRequestResponse("t1", "heidi");
    const pushedOut = await latch.createNewSessionWithoutRequestResponse("t1", "heidi");
    await latch.revokeSession(pushedOut.getHandle());
    const signedOut = await latch.createNewSessionWithoutRequestResponse("t1", "ivan");
    await signedOut.revokeSession();
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(11));
    expect(events).toEqual([
      { type: "sessionCreated", sessionHandle: handle, userId: "heidi", tenantId: "t1" },
      { type: "sessionRefreshed", sessionHandle: handle, userId: "heidi", tenantId: "t1" },
      { type: "sessionRefreshed", sessionHandle: handle, userId: "heidi", tenantId: "t1" },
      { type: "tokenTheftDetected", sessionHandle: handle, userId: "heidi", tenantId: "t1" },
      { type: "sessionRevoked", sessionHandle: handle, userId: "heidi", tenantId: "t1", reason: "token-theft" },
      { type: "sessionCreated", sessionHandle: capped.getHandle(), userId: "heidi", tenantId: "t1" },
      { type: "sessionCreated", sessionHandle: pushedOut.getHandle(), userId: "heidi", tenantId: "t1" },
      { type: "sessionRevoked", sessionHandle: capped.getHandle(), userId: "heidi", tenantId: undefined, reason: "session-cap" },
      { type: "sessionRevoked", sessionHandle: pushedOut.getHandle(), userId: "heidi", tenantId: "t1", reason: "revoked" },
      { type: "sessionCreated", sessionHandle: signedOut.getHandle(), userId: "ivan", tenantId: "t1" },
      { type: "sessionRevoked", sessionHandle: signedOut.getHandle(), userId: "ivan", tenantId: "t1", reason: "signout" },
    ]);
  });

  it("reports store errors with the operation", async () => {
    const store = new MemoryStore();
    store.getSession = async () => {
      throw new StoreUnavailableError("memory");
    };
    const { latch, events } = recordingLatch({}, store);
    await expect(latch.getSessionInformation("handle-1")).rejects.toThrow(StoreUnavailableError);
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({ type: "storeError", store: "memory", operation: "read the session" });
    expect((events[0] as { error: unknown }).error).toBeInstanceOf(StoreUnavailableError);
  });

  it("a handler that throws, rejects or never settles neither fails nor delays the call", async () => {
    // Hook failures are operator-relevant: reported through the logger's warn (console by default).
    const log = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      for (const onEvent of [
        () => {
          throw new Error("audit log down");
        },
        () => Promise.reject(new Error("audit log down")),
        () => new Promise<void>(() => {}),
      ]) {
        const handler = vi.fn(onEvent);
        const latch = latchWith({ onEvent: handler });
        const session = await latch.createNewSessionWithoutRequestResponse("public", "judy");
        // The call has returned before the handler was even called: it runs from a timer.
        expect(handler).not.toHaveBeenCalled();
        await latch.refreshSessionWithoutRequestResponse(session.getAllSessionTokensDangerously().refreshToken ?? "");
        await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(2));
      }
      await vi.waitFor(() => expect(log.mock.calls.filter(([line]) => String(line).includes("onEvent failed"))).toHaveLength(4));
    } finally {
      log.mockRestore();
    }
  });
});

describe("the README's devices example", () => {
  it("runs as written", async () => {
    const alerts: string[] = [];
    const latch = new Latch({
      store: new MemoryStore(),
      appInfo: { apiDomain: "http://127.0.0.1:3000" },
      maxSessionsPerUser: 5, // a sixth login signs out the oldest session
      ipAddress: "truncated", // 203.0.113.9 is kept as 203.0.113.0
      onEvent: (event) => {
        if (event.type === "tokenTheftDetected") alerts.push(`refresh token reused: ${event.userId} ${event.sessionHandle}`);
      },
    });
    for (let i = 0; i < 6; i++) await login(latch, "alice");
    const current = await login(latch, "alice");

    // A "your devices" page, then "sign out everywhere else".
    const { sessions, nextCursor } = await latch.listSessionsForUser("alice", { tenantId: "public", limit: 20 });
    const devices = sessions.map(
      (s) => `${s.userAgent ?? "unknown"} from ${s.ip ?? "?"}, last active ${new Date(s.lastActiveAt).toISOString()}`,
    );
    await latch.revokeOtherSessionsForUser("alice", current.getHandle());

    expect(sessions).toHaveLength(5);
    expect(nextCursor).toBeUndefined();
    expect(devices[0]).toMatch(/^agent from 203\.0\.113\.0, last active \d{4}-/);
    expect(await latch.getAllSessionHandlesForUser("alice")).toEqual([current.getHandle()]);
    expect(alerts).toEqual([]);
  });
});
