import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConfigError,
  describeError,
  Latch,
  type LatchConfig,
  type Logger,
  MemoryStore,
  type SessionStore,
  StoreUnavailableError,
  TokenTheftError,
} from "../src/index";

type Level = keyof Logger;

/** A logger that keeps what it was told, by level. */
function recordingLogger() {
  const lines: Array<{ level: Level; message: string }> = [];
  const logger: Logger = {
    debug: (message) => lines.push({ level: "debug", message }),
    info: (message) => lines.push({ level: "info", message }),
    warn: (message) => lines.push({ level: "warn", message }),
    error: (message) => lines.push({ level: "error", message }),
  };
  return { logger, lines, at: (level: Level) => lines.filter((line) => line.level === level).map((line) => line.message) };
}

/** A memory store named "flaky" whose every call fails while `down` is set, the way a network store reports an outage. */
function flakyStore() {
  const memory = new MemoryStore();
  const control = { down: false, cause: new Error("connect ECONNREFUSED 127.0.0.1:5432") };
  const store: SessionStore = new Proxy(memory, {
    get(target, property, receiver) {
      if (property === "name") return "flaky";
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return (...args: unknown[]) =>
        control.down ? Promise.reject(new StoreUnavailableError("flaky", { cause: control.cause })) : value.apply(target, args);
    },
  });
  return Object.assign(control, { store });
}

function latchWith(overrides: Partial<LatchConfig>, store: SessionStore = new MemoryStore()) {
  return new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA", ...overrides });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("store failures reach the logger", () => {
  it("logs an outage once, with the store's name and the whole cause chain, and logs the recovery", async () => {
    const flaky = flakyStore();
    const { logger, at } = recordingLogger();
    const latch = latchWith({ logger }, flaky.store);
    await latch.createNewSessionWithoutRequestResponse("public", "alice");

    flaky.down = true;
    flaky.cause = new Error("query failed", { cause: new AggregateError([new Error("connect ECONNREFUSED ::1:5432")], "") });
    for (let i = 0; i < 3; i++) {
      await expect(latch.createNewSessionWithoutRequestResponse("public", "alice")).rejects.toThrow(StoreUnavailableError);
    }
    expect(at("error")).toHaveLength(1);
    const [outage] = at("error");
    expect(outage).toContain('session store "flaky"');
    expect(outage).toContain("createSession");
    expect(outage).toContain("query failed: caused by connect ECONNREFUSED ::1:5432");

    flaky.down = false;
    await latch.createNewSessionWithoutRequestResponse("public", "alice");
    await latch.createNewSessionWithoutRequestResponse("public", "alice");
    expect(at("info").filter((line) => line.includes("works again"))).toEqual([
      expect.stringMatching(/session store "flaky" works again after 3 failed call\(s\)/),
    ]);

    // A second outage is a new one: logged again.
    flaky.down = true;
    await expect(latch.revokeSession(crypto.randomUUID())).rejects.toThrow(StoreUnavailableError);
    expect(at("error")).toHaveLength(2);
  });

  it("masks tokens, hashes and passwords that a driver put into its message", async () => {
    const flaky = flakyStore();
    const { logger, at } = recordingLogger();
    const latch = latchWith({ logger }, flaky.store);
    const session = await latch.createNewSessionWithoutRequestResponse("public", "alice");
    const { refreshToken = "", accessToken } = session.getAllSessionTokensDangerously();

    flaky.down = true;
    flaky.cause = new Error(`duplicate key (${refreshToken}) for postgres://latch:hunter2@db:5432/app and ${accessToken}`);
    await expect(latch.createNewSessionWithoutRequestResponse("public", "alice")).rejects.toThrow(StoreUnavailableError);
    const [outage = ""] = at("error");
    expect(outage).toContain("postgres://latch:***@db:5432/app");
    expect(outage).toContain("[redacted]");
    expect(outage).not.toContain("hunter2");
    for (const part of [...refreshToken.split(/[.]/), ...accessToken.split(".")]) {
      if (part.length >= 32) expect(outage).not.toContain(part);
    }
  });

  it("describes a bare value and an error code", () => {
    expect(describeError("down")).toBe("down");
    expect(describeError(Object.assign(new Error("connect failed"), { code: "ECONNREFUSED" }))).toBe("connect failed [ECONNREFUSED]");
  });
});

describe("the logger option", () => {
  it("defaults to console", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const flaky = flakyStore();
    flaky.down = true;
    const latch = latchWith({}, flaky.store);
    await expect(latch.createNewSessionWithoutRequestResponse("public", "alice")).rejects.toThrow(StoreUnavailableError);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0]?.[0])).toMatch(/^latch session store "flaky" failed/);
  });

  it("is silenced by false", async () => {
    const spies = (["debug", "info", "warn", "error", "log"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    const flaky = flakyStore();
    const latch = latchWith({ logger: false, debug: true }, flaky.store);
    await latch.createNewSessionWithoutRequestResponse("public", "alice");
    flaky.down = true;
    await expect(latch.createNewSessionWithoutRequestResponse("public", "alice")).rejects.toThrow(StoreUnavailableError);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("receives the lifecycle events at debug level only with debug on", async () => {
    const quiet = recordingLogger();
    await latchWith({ logger: quiet.logger, debug: false }).createNewSessionWithoutRequestResponse("public", "alice");
    expect(quiet.at("debug")).toEqual([]);

    const chatty = recordingLogger();
    const session = await latchWith({ logger: chatty.logger, debug: true }).createNewSessionWithoutRequestResponse("public", "alice");
    expect(chatty.at("debug")).toEqual([`created session ${session.getHandle()} (cookie)`]);
  });

  it("reports key creation and token theft", async () => {
    const { logger, at } = recordingLogger();
    const latch = latchWith({ logger });
    const session = await latch.createNewSessionWithoutRequestResponse("public", "bob");
    expect(at("info")).toEqual(["created a new EdDSA signing key"]);

    const first = session.getAllSessionTokensDangerously().refreshToken ?? "";
    const second = (await latch.refreshSessionWithoutRequestResponse(first)).getAllSessionTokensDangerously().refreshToken ?? "";
    await latch.refreshSessionWithoutRequestResponse(second);
    await expect(latch.refreshSessionWithoutRequestResponse(first)).rejects.toThrow(TokenTheftError);
    expect(at("warn")).toEqual([`refresh token reuse (possible token theft) on session ${session.getHandle()}: the session was revoked`]);
  });

  it("must be a logger", () => {
    expect(() => latchWith({ logger: { info() {} } as unknown as Logger })).toThrow(ConfigError);
  });
});
