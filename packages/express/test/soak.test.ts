import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient } from "@latch/testing/adapter";
import { describe, expect, it } from "vitest";
import { startExpressExample } from "./example-app";

// Soak (issue 9): many clients log in, call, refresh and sign out at once against the Express
// example, on SQLite and on PostgreSQL. At the end every live session still works, every
// signed-out one is gone, no theft was ever reported, nothing answered 5xx, and the server's
// memory did not keep growing. Bounded: LATCH_SOAK_SECONDS per store (default 20).

const SECONDS = Number(process.env.LATCH_SOAK_SECONDS ?? 20);
const CLIENTS = 24;

function rssKiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0);
}

function postgresReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(5432, "127.0.0.1");
    socket.once("connect", () => resolve(Boolean(socket.end())));
    socket.once("error", () => resolve(false));
  });
}

interface Outcome {
  live: HttpClient[];
  signedOut: string[];
  theft: number;
  serverErrors: string[];
  requests: number;
}

async function virtualUser(baseUrl: string, index: number, deadline: number, outcome: Outcome): Promise<void> {
  const check = (what: string, status: number, text: string) => {
    outcome.requests++;
    if (status >= 500) outcome.serverErrors.push(`${what}: ${status} ${text}`);
    if (text.includes("token theft detected")) outcome.theft++;
  };
  while (Date.now() < deadline) {
    const client = new HttpClient(baseUrl);
    const login = await client.post("/login", { json: { userId: `soak-user-${index % 8}` } });
    check("login", login.status, login.text);
    for (let round = 0; round < 3 && Date.now() < deadline; round++) {
      const me = await client.get("/me");
      check("me", me.status, me.text);
      const refresh = await client.post("/auth/session/refresh");
      check("refresh", refresh.status, refresh.text);
      assert.equal(refresh.status, 200, `refresh of a live session: ${refresh.text}`);
    }
    if (Math.random() < 0.5) {
      const refreshToken = client.cookieValue("sRefreshToken") ?? "";
      const out = await client.post("/auth/signout");
      check("signout", out.status, out.text);
      outcome.signedOut.push(refreshToken);
    } else {
      outcome.live.push(client);
    }
  }
}

async function soak(store: string): Promise<void> {
  const app = await startExpressExample({ LATCH_STORE: store });
  try {
    const outcome: Outcome = { live: [], signedOut: [], theft: 0, serverErrors: [], requests: 0 };
    // Warm up, then take the memory baseline.
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => virtualUser(app.baseUrl, i, Date.now() + 2000, outcome)));
    const baseline = app.pid ? rssKiB(app.pid) : 0;
    const deadline = Date.now() + SECONDS * 1000;
    let middle = 0;
    const sampler = setTimeout(
      () => {
        middle = app.pid ? rssKiB(app.pid) : 0;
      },
      (SECONDS * 1000) / 2,
    );
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => virtualUser(app.baseUrl, i, deadline, outcome)));
    clearTimeout(sampler);
    const after = app.pid ? rssKiB(app.pid) : 0;

    expect(outcome.serverErrors).toEqual([]);
    expect(outcome.theft).toBe(0);
    for (const client of outcome.live) {
      expect((await client.get("/me")).status).toBe(200);
      expect((await client.post("/auth/session/refresh")).status).toBe(200);
    }
    const probe = new HttpClient(app.baseUrl);
    for (const refreshToken of outcome.signedOut.slice(0, 200)) {
      const reply = await probe.post("/auth/session/refresh", { headers: { cookie: `sRefreshToken=${refreshToken}` }, cookies: false });
      expect(reply.text).toBe('{"message":"unauthorised"}');
    }
    console.log(
      `soak on ${store.split(":")[0]}: ${outcome.requests} requests, ${outcome.live.length} live and ${outcome.signedOut.length} signed-out sessions, RSS ${baseline} -> ${middle} -> ${after} KiB`,
    );
    // Flat memory: the process grows to its working size (heap, caches, SQLite's page cache) in the
    // first half; in the second half it may not keep growing as a leak would (bounded, not zero,
    // since a loaded 2-core machine collects garbage late).
    if (middle > 0) expect(after - middle).toBeLessThan(48 * 1024);
  } finally {
    await app.close();
  }
}

describe("soak", () => {
  it(
    `SQLite: ${CLIENTS} clients for ${SECONDS} s`,
    async () => {
      const file = join(tmpdir(), `latch-soak-${process.pid}.db`);
      try {
        await soak(`sqlite:${file}`);
      } finally {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      }
    },
    (SECONDS + 60) * 1000,
  );

  it(
    `PostgreSQL: ${CLIENTS} clients for ${SECONDS} s`,
    async (test) => {
      if (process.env.CI !== "true" && !(await postgresReachable())) {
        console.warn("\u26a0\ufe0f  SKIPPING the PostgreSQL soak: nothing listens on 127.0.0.1:5432 (CI=true makes this fail)");
        return test.skip();
      }
      await soak("postgres://postgres@127.0.0.1:5432/test");
    },
    (SECONDS + 60) * 1000,
  );
});
