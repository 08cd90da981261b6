import { afterEach, describe, expect, it, vi } from "vitest";
import { normaliseConfig } from "../src/config";
import { MemoryStore } from "../src/store/memory-store";

const base = { store: new MemoryStore(), appInfo: { apiDomain: "https://api.example.com" } };

/** Deno without --allow-env: reading any variable of `process.env` throws (NotCapable). */
const deniedEnvironment = new Proxy(
  {},
  {
    get() {
      throw new Error('NotCapable: Requires env access to "DEBUG", run again with the --allow-env flag');
    },
  },
);

describe("a runtime without (readable) process.env", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("config still reads DEBUG where it may", () => {
    vi.stubGlobal("process", { ...process, env: { DEBUG: "express,latch" } });
    expect(normaliseConfig(base).debug).toBe(true);
  });

  it("runs without debug output when reading process.env throws", () => {
    vi.stubGlobal("process", { ...process, env: deniedEnvironment });
    expect(normaliseConfig(base).debug).toBe(false);
  });

  it("runs without debug output when there is no process at all (workerd without nodejs_compat)", () => {
    vi.stubGlobal("process", undefined);
    expect(normaliseConfig(base).debug).toBe(false);
  });
});
