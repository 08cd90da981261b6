// Latch's own cost of checking a session on a cached GET, in process and without sockets: the
// Express adapter's verifySession() on real IncomingMessage/ServerResponse objects, one at a time
// (as many in flight as the HTTP bench has connections). CPU µs per call, GC included.
//   node --import tsx bench/src/tools/verify-micro.ts [calls] [rounds]
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { Latch, MemoryStore } from "@latch/core";
import { verifySession } from "@latch/express";
import type { Request, Response } from "express";
import { median } from "./median";

const latch = new Latch({ store: new MemoryStore(), appInfo: { apiDomain: "http://127.0.0.1:3000" } });
const { accessToken } = (await latch.createNewSessionWithoutRequestResponse("public", "bench-user")).getAllSessionTokensDangerously();
const cookie = `sAccessToken=${accessToken}; sFrontToken=x`;
const socket = new Socket();
function request(): { req: Request; res: Response } {
  const req = new IncomingMessage(socket);
  req.method = "GET";
  req.url = "/protected";
  req.headers = { host: "127.0.0.1:3000", cookie, accept: "*/*" };
  const res = new ServerResponse(req);
  return { req: req as Request, res: res as Response };
}

const check = verifySession({ latch });
async function callsPerRound(calls: number, withCheck: boolean): Promise<number> {
  const before = process.cpuUsage();
  const inFlight = 50;
  for (let i = 0; i < calls; i += inFlight) {
    await Promise.all(
      Array.from({ length: inFlight }, () => {
        const { req, res } = request();
        if (!withCheck) return undefined;
        return new Promise<void>((resolve, reject) => check(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
      }),
    );
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const calls = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 7);
await callsPerRound(calls, true);
const withCheck: number[] = [];
const without: number[] = [];
for (let round = 0; round < rounds; round++) {
  without.push(await callsPerRound(calls, false));
  withCheck.push(await callsPerRound(calls, true));
}
console.log(
  `verifySession on a cached token: ${(median(withCheck) - median(without)).toFixed(2)} µs/call over creating the request objects (medians of ${rounds} rounds of ${calls}: ${median(withCheck).toFixed(2)} vs ${median(without).toFixed(2)})`,
);
