// Express's own quirks; the protocol itself is tested by the conformance suite.
import type { AddressInfo } from "node:net";
import { Latch, MemoryStore } from "@latch/core";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { errorHandler, type SessionRequest, verifySession } from "../src/index";

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

describe("express adapter", () => {
  it("core accepts Express's req/res in any route, even without app.use(middleware())", async () => {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1" }, jwtAlgorithm: "EdDSA" });
    const app = express();
    app.post("/login", async (req, res) => {
      const session = await latch.createNewSession(req, res, "alice");
      // The same request again: the wrappers were bound once and are found again.
      const again = await latch.getSession(req, res, { sessionRequired: false });
      res.json({ handle: session.getHandle(), again: again === undefined });
    });
    app.get("/me", verifySession({ latch }), (req, res) => void res.json({ userId: (req as SessionRequest).session.getUserId() }));
    app.use(errorHandler({ latch }));
    const url = await listen(app);

    const login = await fetch(`${url}/login`, { method: "POST" });
    expect(login.status).toBe(200);
    expect(login.headers.get("front-token")).toBeTruthy();
    const cookie = cookiesOf(login);
    // Twice: the first verifies the token (a promise), the second takes it from the cache (no promise).
    for (let i = 0; i < 2; i++) {
      const me = await fetch(`${url}/me`, { headers: { cookie } });
      expect(await me.json()).toEqual({ userId: "alice" });
    }
    const anonymous = await fetch(`${url}/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ message: "unauthorised" });
  });
});
