// The Express servers of the HTTP scenarios, one per library (and per store), selected by argv[2].
// Each serves POST /login (creates a session for "bench-user") and GET /protected (needs it);
// Latch's also serve its refresh route.
import { Latch, MemoryStore, type SigningAlgorithm } from "@latch/core";
import { middleware, type VerifiedSessionRequest, verifySession } from "@latch/express";
import { fromNodeHeaders } from "better-auth/node";
import { RedisStore } from "connect-redis";
import express, { type RequestHandler } from "express";
import session from "express-session";
import { getIronSession } from "iron-session";
import { createClient } from "redis";
import { benchAuth } from "./better-auth";
import { latchStore, rawInsert, STORE_NAMES, type StoreName } from "./stores";

declare module "express-session" {
  interface SessionData {
    userId: string;
  }
}

const kind = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 4000);
const app = express();
const secret = "bench-secret-bench-secret-bench-secret-1234";
const ok: RequestHandler = (_req, res) => void res.json({ ok: true });

function latchApp(latch: Latch, checkDatabase = false): void {
  app.use(middleware({ latch }));
  app.post("/login", async (req, res) => {
    await latch.createNewSession(req, res, "bench-user");
    res.json({ ok: true });
  });
  app.get(
    "/protected",
    verifySession({ latch, checkDatabase }),
    (req, res) => void res.json({ ok: true, userId: (req as VerifiedSessionRequest).latchSession.getUserId() }),
  );
}

async function setup(): Promise<void> {
  // "latch:<store>" signs with the default algorithm (RS256), "latch:<store>:<alg>" with <alg>.
  const [prefix, storeName, jwtAlgorithm] = kind.split(":") as [string, StoreName | undefined, SigningAlgorithm | undefined];
  if (storeName && STORE_NAMES.includes(storeName)) {
    if (prefix === "latch")
      return latchApp(new Latch({ store: latchStore(storeName), appInfo: { apiDomain: `http://127.0.0.1:${port}` }, jwtAlgorithm }));
    if (prefix === "raw" && storeName !== "memory") {
      const insert = await rawInsert(storeName);
      app.post("/login", async (_req, res) => {
        await insert();
        res.json({ ok: true });
      });
      return;
    }
  }
  switch (kind) {
    case "bare":
      app.post("/login", ok);
      app.get("/protected", ok);
      return;
    case "bare-with-two-noop-middlewares": {
      // Express's own cost of the two layers a session library adds (app.use + a route middleware).
      app.use((_req, _res, next) => next());
      app.post("/login", ok);
      app.get("/protected", (_req, _res, next) => next(), ok);
      return;
    }
    case "latch-middleware-only": {
      // Only the app-wide middleware (serving Latch's routes, binding req/res); no session check.
      app.use(middleware({ latch: new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } }) }));
      app.post("/login", ok);
      app.get("/protected", (_req, _res, next) => next(), ok);
      return;
    }
    case "latch":
    case "latch-check-database":
      return latchApp(new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` } }), kind !== "latch");
    // Fleet revocation is on by default with MemoryStore (it has a feed): this is "latch" without it,
    // to measure what the revoked-handles lookup costs a protected GET.
    case "latch-fleet-off":
      return latchApp(new Latch({ store: new MemoryStore(), appInfo: { apiDomain: `http://127.0.0.1:${port}` }, fleetRevocation: false }));
    case "express-session-memory":
    case "express-session-redis": {
      let store: session.Store | undefined;
      if (kind === "express-session-redis") {
        const client = createClient({ url: process.env.LATCH_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379" });
        await client.connect();
        store = new RedisStore({ client, prefix: `${process.env.LATCH_BENCH_REDIS_PREFIX ?? "bench:"}${process.pid}:` });
      }
      app.use(session({ secret, resave: false, saveUninitialized: false, store }));
      // Latch's declaration merging owns `req.session` in this file's types; express-session's is this one.
      const sessionOf = (req: express.Request) => (req as unknown as { session: session.Session & Partial<session.SessionData> }).session;
      app.post("/login", (req, res) => {
        sessionOf(req).userId = "bench-user";
        res.json({ ok: true });
      });
      const requireSession: RequestHandler = (req, res, next) =>
        sessionOf(req).userId ? next() : void res.status(401).json({ message: "unauthorised" });
      app.get("/protected", requireSession, (req, res) => void res.json({ ok: true, userId: sessionOf(req).userId }));
      return;
    }
    case "iron-session": {
      const options = { password: secret, cookieName: "bench", cookieOptions: { secure: false } };
      app.post("/login", async (req, res) => {
        const s = await getIronSession<{ userId?: string }>(req, res, options);
        s.userId = "bench-user";
        await s.save();
        res.json({ ok: true });
      });
      app.get("/protected", async (req, res) => {
        const s = await getIronSession<{ userId?: string }>(req, res, options);
        if (!s.userId) return void res.status(401).json({ message: "unauthorised" });
        res.json({ ok: true, userId: s.userId });
      });
      return;
    }
    case "better-auth":
    case "better-auth-cookie-cache": {
      const auth = benchAuth(port, kind === "better-auth-cookie-cache");
      app.post("/login", async (req, res) => {
        const { headers } = await auth.api.benchLogin({ headers: fromNodeHeaders(req.headers), returnHeaders: true });
        res.setHeader("set-cookie", headers.getSetCookie());
        res.json({ ok: true });
      });
      app.get("/protected", async (req, res) => {
        const found = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
        if (!found) return void res.status(401).json({ message: "unauthorised" });
        res.json({ ok: true, userId: found.user.id });
      });
      return;
    }
    default:
      throw new Error(`unknown server ${kind}`);
  }
}

await setup();
app.listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}`));
