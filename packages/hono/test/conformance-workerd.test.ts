import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient, type RunningApp, runAdapterConformance } from "@latch/testing/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { honoHarness } from "./example-app";

// The whole suite on workerd as a Worker without nodejs_compat (no process, no Buffer, no Node
// modules), its sessions in miniflare's local D1 (@latch/d1), kept in a folder across restarts.
const d1Folder = mkdtempSync(join(tmpdir(), "latch-hono-d1-"));
afterAll(() => rmSync(d1Folder, { recursive: true, force: true }));
runAdapterConformance(honoHarness("workerd", { LATCH_D1_PERSIST: d1Folder }));

// With nodejs_compat, `process` and `Buffer` exist and core takes its Node paths where they are present.
describe("hono on workerd with nodejs_compat", () => {
  let app: RunningApp | undefined;
  beforeAll(async () => {
    app = await honoHarness("workerd", { LATCH_NODEJS_COMPAT: "1" }).start({ LATCH_STORE: "memory:" });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it("logs in, verifies and refreshes", async () => {
    if (!app) throw new Error("the app did not start");
    const client = new HttpClient(app.baseUrl);
    expect((await client.post("/login", { json: { userId: "compat-user" } })).status).toBe(200);
    expect((await client.get("/me")).body).toMatchObject({ userId: "compat-user" });
    expect((await client.post("/auth/session/refresh")).status).toBe(200);
    expect((await client.get("/me")).status).toBe(200);
  }, 30_000);
});
