// Express's own quirks; the protocol itself is tested by the conformance suite.
import type { Server } from "node:http";
import { Latch, MemoryStore } from "@latch/core";
import { HttpClient, listeningUrl } from "@latch/testing/adapter";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { errorHandler, type SessionRequest, type VerifiedSessionRequest, verifySession } from "../src/index";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe("express adapter", () => {
  it("core accepts Express's req/res in any route, even without app.use(middleware())", async () => {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1" }, jwtAlgorithm: "EdDSA" });
    const app = express();
    app.post("/login", async (req, res) => {
      const session = await latch.createNewSession(req, res, "alice");
      // The same request again: its wrappers are found again.
      const again = await latch.getSession(req, res, { sessionRequired: false });
      res.json({ handle: session.getHandle(), again: again === undefined });
    });
    app.get("/me", verifySession({ latch }), (req, res) => void res.json({ userId: (req as VerifiedSessionRequest).session.getUserId() }));
    app.use(errorHandler({ latch }));
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    const client = new HttpClient(await listeningUrl(server));

    const login = await client.post("/login");
    expect(login.status).toBe(200);
    expect(login.headers.get("front-token")).toBeTruthy();
    // Twice: the first verifies the token (a promise), the second takes it from the cache (no promise).
    for (let i = 0; i < 2; i++) expect((await client.get("/me")).body).toEqual({ userId: "alice" });
    const anonymous = await client.get("/me", { cookies: false });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: "unauthorised" });
  });

  it("compiles and serves a handler annotated (req: SessionRequest, res), as SuperTokens users write it", async () => {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1" }, jwtAlgorithm: "EdDSA" });
    const app = express();
    app.post("/login", async (req: SessionRequest, res: express.Response) => {
      await latch.createNewSession(req, res, "alice");
      res.json({ ok: true });
    });
    // `pnpm typecheck` compiles this file: before, the annotation failed with "No overload matches this call".
    app.get("/me", verifySession({ latch }), (req: SessionRequest, res) => {
      res.json({ userId: req.session?.getUserId(), same: req.session === req.latchSession });
    });
    app.get("/me-async", verifySession({ latch }), async (req: SessionRequest, res: express.Response) => {
      res.json({ handle: req.latchSession?.getHandle() });
    });
    app.use(errorHandler({ latch }));
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    const client = new HttpClient(await listeningUrl(server));
    expect((await client.post("/login")).status).toBe(200);
    expect((await client.get("/me")).body).toEqual({ userId: "alice", same: true });
    expect((await client.get("/me-async")).body).toEqual({ handle: expect.any(String) });
  });

  it("leaves req.session to express-session (or any middleware that owns it) and sets req.latchSession", async () => {
    const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1" }, jwtAlgorithm: "EdDSA" });
    const app = express();
    app.post("/login", async (req, res) => {
      await latch.createNewSession(req, res, "alice");
      res.json({ ok: true });
    });
    // What express-session does: its own object on req.session before the routes.
    const owned = (req: express.Request, _res: express.Response, next: express.NextFunction) => {
      (req as { session?: unknown }).session = { cookie: {}, views: 1 };
      next();
    };
    app.get("/owned", owned, verifySession({ latch }), (req, res) => {
      res.json({ theirs: (req as { session?: unknown }).session, userId: req.latchSession?.getUserId() });
    });
    app.get("/free", verifySession({ latch }), (req, res) => {
      res.json({ alias: (req as VerifiedSessionRequest).session === req.latchSession, userId: req.latchSession?.getUserId() });
    });
    app.use(errorHandler({ latch }));
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    const client = new HttpClient(await listeningUrl(server));
    await client.post("/login");
    expect((await client.get("/owned")).body).toEqual({ theirs: { cookie: {}, views: 1 }, userId: "alice" });
    expect((await client.get("/free")).body).toEqual({ alias: true, userId: "alice" });
  });
});
