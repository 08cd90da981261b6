// A store outage on Express 4 and 5: the adapter's paths answer 503 and the process lives on.
// (Express 4 does not catch a rejected promise from a route: an `async` route that does not pass
// its error to `next` takes the process down on an unhandled rejection. Latch's own middleware,
// verifySession and errorHandler never leave a promise unhandled; the login below passes its error on.)
import type { Server } from "node:http";
import { Latch, MemoryStore, type SessionStore, StoreUnavailableError } from "@latch/core";
import { HttpClient, listeningUrl } from "@latch/testing/adapter";
import express5 from "express";
import express4 from "express4";
import { afterEach, describe, expect, it } from "vitest";
import { errorHandler, middleware, type VerifiedSessionRequest, verifySession } from "../src/index";

/** The memory store, failing every call the way a network store does while `down` is set. */
function switchableStore(): { store: SessionStore; setDown(down: boolean): void } {
  const memory = new MemoryStore();
  let down = false;
  const store = new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || property === "close") return value;
      return (...args: unknown[]) =>
        down
          ? Promise.reject(new StoreUnavailableError("switchable", { cause: new Error("connect ECONNREFUSED 127.0.0.1:5432") }))
          : value.apply(target, args);
    },
  });
  return {
    store,
    setDown(value) {
      down = value;
    },
  };
}

const servers: Server[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe.each([
  ["Express 4", express4 as unknown as typeof express5],
  ["Express 5", express5],
])("%s with the store down", (_name, express) => {
  it("answers 503 on login, on a checked session and on refresh, and keeps serving", async () => {
    const { store, setDown } = switchableStore();
    const latch = new Latch({ store, appInfo: { apiDomain: "http://127.0.0.1" }, jwtAlgorithm: "EdDSA", logger: false });
    const app = express();
    app.use(express.json());
    app.use(middleware({ latch }));
    app.post("/login", (req, res, next) => {
      latch.createNewSession(req, res, "alice").then(() => res.json({ ok: true }), next);
    });
    app.get("/me", verifySession({ latch, checkDatabase: true }), (req, res) => {
      res.json({ userId: (req as VerifiedSessionRequest).session.getUserId() });
    });
    app.use(errorHandler({ latch }));
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    const client = new HttpClient(await listeningUrl(server));

    // The first login ever: no signing key yet, and the store is down.
    setDown(true);
    const firstLogin = await client.post("/login", { json: {} });
    expect(firstLogin.status).toBe(503);
    expect(firstLogin.body).toEqual({ message: "session store unavailable, try again" });

    setDown(false);
    expect((await client.post("/login", { json: {} })).status).toBe(200);
    setDown(true);
    expect((await client.get("/me")).status).toBe(503);
    expect((await client.post("/auth/session/refresh")).status).toBe(503);

    setDown(false);
    expect((await client.get("/me")).body).toEqual({ userId: "alice" });
    expect(unhandled).toEqual([]);
  });
});
