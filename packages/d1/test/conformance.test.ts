import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { runStoreConformance, sessionRecord } from "@latch/testing/store";
import { Miniflare } from "miniflare";
import { afterAll, describe, expect, it } from "vitest";
import { type D1Database, D1Store, storeFromUrl } from "../src/index";

// miniflare's local D1 (workerd's SQLite), reached from Node through miniflare's binding proxy.
// One database for the file; each test gets its own table prefix, so tests never share rows.
// Every store call is a round trip to workerd: the suite's bulk cases (120 sessions) get 120 s
// per test, for a loaded 2-core machine.
let miniflare: Miniflare | undefined;
async function database(): Promise<D1Database> {
  miniflare ??= new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null, { status: 404 }); } };",
    d1Databases: ["DB"],
  });
  return miniflare.getD1Database("DB");
}
afterAll(async () => {
  await miniflare?.dispose();
});

function prefix(): string {
  return `t${randomUUID().replaceAll("-", "").slice(0, 12)}_`;
}

runStoreConformance(
  "d1 (miniflare)",
  async () => {
    const db = await database();
    const tablePrefix = prefix();
    return {
      store: new D1Store({ database: db, tablePrefix }),
      reopen: async () => new D1Store({ database: db, tablePrefix }),
    };
  },
  { timeout: 120_000 },
);

describe("README", () => {
  it("shows test/readme-example.ts, which runs", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("./readme-example.ts", import.meta.url), "utf8");
    expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
    const { latchFor } = await import("./readme-example");
    const latch = latchFor({ DB: await database() });
    expect(latchFor({ DB: await database() })).toBe(latch);
    const session = await latch.createNewSessionWithoutRequestResponse("public", "readme-user");
    expect((await latch.getSessionInformation(session.getHandle()))?.userId).toBe("readme-user");
    await latch.close();
  });
});

describe("storeFromUrl", () => {
  it("opens the Worker's binding that d1:<BINDING> names", async () => {
    const store = storeFromUrl("d1:DB", { DB: await database() });
    const record = sessionRecord();
    await store.createSession(record);
    expect((await store.getSession(record.sessionHandle))?.userId).toBe(record.userId);
    await store.revokeSessions([record.sessionHandle]);
  });

  it("refuses a URL without a binding name, or a binding that is not D1", () => {
    expect(() => storeFromUrl("d1:", {})).toThrow(/expected d1:<BINDING>/);
    expect(() => storeFromUrl("d1:DB", { DB: "text" })).toThrow(/no D1 binding named DB/);
  });
});
