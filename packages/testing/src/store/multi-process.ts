// Several processes on one store's data at once (issue 18): each process creates sessions for users
// that all processes share, rotates them twice, updates their data, revokes some and runs the
// expired-session cleanup, all concurrently. Afterwards, from a fresh store: no call failed in any
// process (SQLITE_BUSY, deadlocks and lock waits must never surface), every live session is there
// with its last rotation and data, every revoked one is gone, and each user's list is exact.
import { spawn } from "node:child_process";
import type { SessionStore } from "@latch/core";
import { expect } from "vitest";

export interface MultiProcessStore {
  /** The file URL of the store package's ESM entry (`new URL("../dist/index.js", import.meta.url).href`). */
  moduleUrl: string;
  /** The store class exported there, e.g. "SqliteStore". */
  className: string;
  /** Its constructor options, as JSON (same file, prefix or database for every process). */
  options: Record<string, unknown>;
  /** A store on the same data, for the checks afterwards (closed by the check). */
  open(): SessionStore;
}

export interface MultiProcessRun {
  processes: number;
  sessionsPerProcess: number;
  /** How long the whole run may take before it is stopped and fails (default 120 s). */
  budgetMs?: number;
}

interface WorkerReport {
  errors: string[];
  live: Array<{ handle: string; userId: string; hash: string; data: { worker: number; index: number } }>;
  revoked: string[];
}

/** The worker, run with `node --input-type=module -e`: argv is module URL, class, options JSON, worker id, count. */
const WORKER = `
import { randomBytes } from "node:crypto";
const [moduleUrl, className, optionsJson, workerArg, countArg] = process.argv.slice(1);
const worker = Number(workerArg);
const count = Number(countArg);
const store = new (await import(moduleUrl))[className](JSON.parse(optionsJson));
const report = { errors: [], live: [], revoked: [] };
const hash = () => randomBytes(32).toString("hex");
async function attempt(what, call) {
  try { return { value: await call() }; } catch (error) { report.errors.push(what + ": " + (error?.stack ?? String(error))); return undefined; }
}
for (let index = 0; index < count; index++) {
  const now = Date.now();
  const userId = "mp-user-" + (index % 7);
  const handle = "mp-" + worker + "-" + index + "-" + randomBytes(6).toString("hex");
  const first = hash();
  const record = { sessionHandle: handle, userId, recipeUserId: userId, tenantId: "public", sessionDataInDatabase: {},
    accessTokenPayload: {}, refreshTokenHash2: first, parentRefreshTokenHash2: null, refreshTokenRotatedAt: null,
    refreshTokenRotationKey: randomBytes(32).toString("base64url"), expiresAt: now + 3600000, createdAt: now };
  if (!(await attempt("create", () => store.createSession(record)))) continue;
  // One session in ten is born expired, for the cleanups running in every process to find.
  if (index % 10 === 0) await attempt("create expired", () => store.createSession({ ...record, sessionHandle: handle + "-x", expiresAt: now - 1 }));
  let current = first;
  for (let rotation = 0; rotation < 2; rotation++) {
    const next = hash();
    const rotated = await attempt("rotate", () => store.rotateRefreshToken({ sessionHandle: handle, expectedRefreshTokenHash2: current,
      newRefreshTokenHash2: next, rotatedAt: Date.now(), newExpiresAt: Date.now() + 3600000 }));
    if (rotated?.value !== true) report.errors.push("rotate refused for " + handle);
    else current = next;
  }
  const data = { worker, index };
  if ((await attempt("update", () => store.updateSessionData(handle, data)))?.value !== true) report.errors.push("update refused for " + handle);
  if (index % 5 === 4) {
    const revoked = await attempt("revoke", () => store.revokeSessions([handle]));
    if (JSON.stringify(revoked?.value) !== JSON.stringify([handle])) report.errors.push("revoke of " + handle + " gave " + JSON.stringify(revoked?.value));
    report.revoked.push(handle);
  } else {
    report.live.push({ handle, userId, hash: current, data });
  }
  if (index % 25 === 0) await attempt("cleanup", () => store.deleteExpiredSessions(Date.now()));
}
await store.close();
process.stdout.write(JSON.stringify(report) + "\\n");
`;

function runWorker(store: MultiProcessStore, worker: number, count: number, budgetMs: number): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", WORKER, store.moduleUrl, store.className, JSON.stringify(store.options), String(worker), String(count)],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), budgetMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line) {
        reject(new Error(`worker ${worker} ended with ${signal ?? code} (budget ${budgetMs} ms): ${stderr.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as WorkerReport);
    });
  });
}

/** Runs the workers at once, then checks from a fresh store that nothing failed and nothing was lost. */
export async function checkManyProcesses(store: MultiProcessStore, run: MultiProcessRun): Promise<void> {
  const budgetMs = run.budgetMs ?? 120_000;
  const reports = await Promise.all(
    Array.from({ length: run.processes }, (_, worker) => runWorker(store, worker, run.sessionsPerProcess, budgetMs)),
  );
  expect(reports.flatMap((report) => report.errors)).toEqual([]);
  const checker = store.open();
  try {
    const live = reports.flatMap((report) => report.live);
    const lost: string[] = [];
    for (const session of live) {
      const record = await checker.getSession(session.handle);
      if (record?.refreshTokenHash2 !== session.hash || JSON.stringify(record.sessionDataInDatabase) !== JSON.stringify(session.data)) {
        lost.push(session.handle);
      }
    }
    expect(lost).toEqual([]);
    for (const handle of reports.flatMap((report) => report.revoked)) expect(await checker.getSession(handle)).toBeUndefined();
    for (const userId of new Set(live.map((session) => session.userId))) {
      const expected = live.filter((session) => session.userId === userId).map((session) => session.handle);
      expect((await checker.listSessionHandlesForUser({ userId }, Date.now())).sort()).toEqual(expected.sort());
    }
  } finally {
    await checker.close();
  }
}
