import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Latch, MemoryStore } from "@latch/core";
import type { NextApiRequest, NextApiResponse } from "next";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withLatchApi, withSessionApi } from "../src/pages";

// The pages router hands API routes Node's request and response: a node:http server stands in for
// Next.js's (it adds query/cookies/body parsing, which Latch does not need).
describe("pages router API routes (@latch/nextjs/pages)", () => {
  const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1" } });
  const login = withLatchApi(
    async (req, res) => {
      await latch.createNewSession(req, res, "public", "pages-user");
      res.status(200).json({ ok: true });
    },
    { latch },
  );
  const me = withSessionApi((req, res) => res.status(200).json({ userId: req.session.getUserId() }), { latch });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const api = res as NextApiResponse;
      api.status = (code: number) => {
        res.statusCode = code;
        return api;
      };
      api.json = (body: unknown) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(body));
      };
      const handler = req.url === "/api/login" ? login : me;
      Promise.resolve(handler(req as NextApiRequest, api)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("createNewSession(req, res) sets the cookies, and withSessionApi reads the session", async () => {
    const reply = await fetch(`${base}/api/login`, { method: "POST" });
    expect(reply.status).toBe(200);
    const cookies = reply.headers.getSetCookie().map((value) => value.split(";")[0]);
    expect(cookies.some((value) => value?.startsWith("sAccessToken="))).toBe(true);
    const access = cookies.find((value) => value?.startsWith("sAccessToken=")) as string;
    const meReply = await fetch(`${base}/api/me`, { headers: { cookie: access } });
    expect(await meReply.json()).toEqual({ userId: "pages-user" });
  });

  it("without a session: the protocol's 401, and Latch's routes are served by the wrapper", async () => {
    const reply = await fetch(`${base}/api/me`);
    expect(reply.status).toBe(401);
    expect(await reply.text()).toBe('{"message":"unauthorised"}');
    const refresh = await fetch(`${base}/auth/session/refresh`, { method: "POST" });
    expect(refresh.status).toBe(401);
    const jwks = await fetch(`${base}/auth/jwt/jwks.json`);
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
  });
});
