// @latch/core/node: core takes Node's own request and response, wrapped on demand.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Latch, MemoryStore } from "../src/index";
import "../src/node/index";

describe("Node's own req/res", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" }, jwtAlgorithm: "EdDSA" });
  const server = createServer(async (req, res) => {
    try {
      if (req.url === "/login") {
        const session = await latch.createNewSession(req, res, "alice");
        res.end(JSON.stringify({ handle: session.getHandle() }));
      } else {
        const session = await latch.getSession(req, res, { sessionRequired: false });
        res.end(JSON.stringify({ userId: session?.getUserId() ?? null }));
      }
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  let url = "";
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("creates and verifies a session with them, without wrapNode", async () => {
    const login = await fetch(`${url}/login`, { method: "POST" });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect(cookie).toContain("sAccessToken=");
    expect(await (await fetch(`${url}/me`, { headers: { cookie } })).json()).toEqual({ userId: "alice" });
    expect(await (await fetch(`${url}/me`)).json()).toEqual({ userId: null });
  });

  it("still refuses an object that is neither", async () => {
    await expect(latch.getSession({}, {})).rejects.toThrow("not known to Latch");
  });
});
