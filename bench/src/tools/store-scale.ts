// Store latency and cleanup at a given number of sessions, through the store API (no HTTP):
// p50/p99 of get, rotate, list-for-user and revoke-all, bytes per session, and the expired-session
// cleanup's total time and longest event-loop pause (the longest gap between two turns of a
// setImmediate loop running beside it). One store and one size per run:
//   node --expose-gc --import tsx bench/src/tools/store-scale.ts <memory|sqlite|postgres|mysql|redis> <sessions> [batch]
// e.g. `sqlite 100000`. A tenth of the sessions are expired at cleanup time; users have 5 sessions
// each. [batch] sets cleanupBatchSize (a batch as large as the expired count is one statement: the
// behaviour before batching). Each run has a backend of its own, removed at the end (./scale/backends.ts).
// The fill writes the store's rows or keys directly in big batches (FILL=api: through createSession,
// about 35 s per 100k sessions on SQLite and 3 min on PostgreSQL), then reads sampled sessions back
// through the store API and stops if any differs. Figures go to bench/scale-results.json.

import { deepStrictEqual } from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { SessionRecord, SessionStore } from "@latch/core";
import { type Percentiles, saveScaleResult } from "../scale-results";
import { type Backend, openBackend } from "./scale/backends";

const [storeName = "sqlite", sessionsArg = "10000", batchArg] = process.argv.slice(2);
const sessions = Number(sessionsArg);
const batch = batchArg === undefined ? undefined : Number(batchArg);
const fillMode = process.env.FILL === "api" ? "api" : "bulk";
const SESSIONS_PER_USER = 5;
const SAMPLES = 400;
/** Unmeasured calls of get, list and rotate before the timed ones. */
const WARM_UP = 100;
/** Users whose sessions are all kept for the probes and the fill check (about 200 x 4.5 live sessions). */
const SAMPLED_USERS = 200;
/** Sessions generated and written at a time (whole users). */
const FILL_CHUNK = 50_000;
const HOUR = 3_600_000;

if (!Number.isSafeInteger(sessions) || sessions < SESSIONS_PER_USER || sessions % SESSIONS_PER_USER !== 0) {
  throw new Error(`sessions must be a multiple of ${SESSIONS_PER_USER}, got ${sessionsArg}`);
}

function loadAverage(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

function session(index: number, now: number): SessionRecord {
  const expired = index % 10 === 0;
  return {
    sessionHandle: `${randomBytes(16).toString("base64url")}${index}`,
    userId: `user-${Math.floor(index / SESSIONS_PER_USER)}`,
    recipeUserId: `user-${Math.floor(index / SESSIONS_PER_USER)}`,
    tenantId: "public",
    sessionDataInDatabase: {},
    accessTokenPayload: {},
    refreshTokenHash2: randomBytes(32).toString("hex"),
    parentRefreshTokenHash2: null,
    refreshTokenRotatedAt: null,
    refreshTokenRotationKey: randomBytes(32).toString("base64url"),
    // Expired at cleanup time (now + 1 h), not yet by the wall clock, so Redis keeps them until then.
    expiresAt: expired ? now + HOUR - index : now + 48 * HOUR,
    createdAt: now,
    // Device details as a browser login stores them, so bytes per session count them.
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    ip: "203.0.113.0",
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed(samples: number, operation: (sample: number) => Promise<unknown>): Promise<Percentiles> {
  const times: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const start = performance.now();
    await operation(sample);
    times.push(performance.now() - start);
  }
  // Microseconds are the resolution that means anything here.
  const round = (value: number): number => Math.round(value * 1000) / 1000;
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

const show = (figures: Percentiles): string => `p50 ${figures.p50.toFixed(3)} ms, p99 ${figures.p99.toFixed(3)} ms`;

/**
 * The longest gap between two turns of the event loop while `work` runs, by the wall clock and by
 * the process's CPU time (user + system) over the same gap: on a loaded machine the wall clock also
 * counts time other processes had the core, the CPU time is what the gap cost this process.
 */
async function withPauseMeter<T>(
  work: () => Promise<T>,
): Promise<{ result: T; totalMs: number; longestPauseMs: number; longestCpuMs: number }> {
  let longest = 0;
  let longestCpu = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let running = true;
  const measure = (): void => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
  };
  const tick = (): void => {
    measure();
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  const result = await work();
  const totalMs = performance.now() - start;
  running = false;
  measure();
  return { result, totalMs, longestPauseMs: longest, longestCpuMs: longestCpu };
}

/** Every user's sessions are consecutive indexes; the sampled users are spread evenly over them. */
function sampledUsers(): Set<number> {
  const users = sessions / SESSIONS_PER_USER;
  const step = Math.max(1, Math.floor(users / SAMPLED_USERS));
  const sampled = new Set<number>();
  // Odd and even users alternate (only even users have an expired session; see measure()).
  for (let k = 0; sampled.size < SAMPLED_USERS; k++) {
    const user = Math.floor(step / 2) + k * step + (step % 2 === 0 ? k % 2 : 0);
    if (user >= users) break;
    sampled.add(user);
  }
  return sampled;
}

/** Fills the store (bulk or through the API) and returns the sampled users' sessions, grouped by user. */
async function fill(backend: Backend, now: number): Promise<SessionRecord[][]> {
  const { store, bulkInsert } = backend;
  const sampled = sampledUsers();
  const kept = new Map<string, SessionRecord[]>();
  for (let start = 0; start < sessions; start += FILL_CHUNK) {
    const chunk = Array.from({ length: Math.min(FILL_CHUNK, sessions - start) }, (_, i) => session(start + i, now));
    if (fillMode === "bulk" && bulkInsert) {
      await bulkInsert(chunk);
    } else {
      const CONCURRENCY = 64;
      for (let offset = 0; offset < chunk.length; offset += CONCURRENCY) {
        await Promise.all(chunk.slice(offset, offset + CONCURRENCY).map((record) => store.createSession(record)));
      }
    }
    for (const [i, record] of chunk.entries()) {
      if (!sampled.has(Math.floor((start + i) / SESSIONS_PER_USER))) continue;
      kept.set(record.userId, [...(kept.get(record.userId) ?? []), { ...record }]);
    }
  }
  return [...kept.values()];
}

/**
 * Reads sampled sessions back through the store API and compares them with what was written: one
 * session of every eighth sampled user by getSession, the user's page by listSessionsForUser, then a
 * rotation read back. Any difference stops the run (the figures would be of another row format).
 */
async function checkFill(backend: Backend, users: SessionRecord[][]): Promise<number> {
  const { store } = backend;
  let checked = 0;
  for (const [u, records] of users.entries()) {
    if (u % 8 !== 0) continue;
    const [first] = records;
    if (!first) continue;
    deepStrictEqual(await store.getSession(first.sessionHandle), first, "getSession of a filled session");
    // Every filled session is live by the wall clock (the expired ones expire at cleanup time, an hour on).
    const page = await store.listSessionsForUser({ userId: first.userId }, Date.now(), {
      limit: 100,
      after: { createdAt: -1, sessionHandle: "" },
    });
    const byHandle = (a: SessionRecord, b: SessionRecord): number => a.sessionHandle.localeCompare(b.sessionHandle);
    deepStrictEqual([...page].sort(byHandle), [...records].sort(byHandle), "listSessionsForUser of a filled user");
    await backend.checkRaw?.(first, records);
    checked++;
  }
  // A rotation of a filled session, read back: the compare-and-set found the filled hash.
  const record = users[0]?.find((each) => each.expiresAt > Date.now() + 2 * HOUR);
  if (!record) throw new Error("no live sampled session to rotate");
  const next = randomBytes(32).toString("hex");
  const rotatedAt = Date.now();
  const rotated = await store.rotateRefreshToken({
    sessionHandle: record.sessionHandle,
    expectedRefreshTokenHash2: record.refreshTokenHash2,
    newRefreshTokenHash2: next,
    rotatedAt,
    newExpiresAt: record.expiresAt,
  });
  if (!rotated) throw new Error("rotation of a filled session refused");
  Object.assign(record, { parentRefreshTokenHash2: record.refreshTokenHash2, refreshTokenHash2: next, refreshTokenRotatedAt: rotatedAt });
  deepStrictEqual(await store.getSession(record.sessionHandle), record, "getSession after rotating a filled session");
  return checked;
}

async function measure(store: SessionStore, users: SessionRecord[][], now: number) {
  const live = users.flat().filter((record) => record.expiresAt > now + HOUR);
  const pick = (sample: number): SessionRecord => live[sample % live.length] as SessionRecord;
  const get = (sample: number) => store.getSession(pick(sample).sessionHandle);
  const list = (sample: number) => store.listSessionHandlesForUser({ userId: pick(sample).userId }, Date.now());
  const rotate = async (sample: number): Promise<void> => {
    const record = pick(sample);
    const next = randomBytes(32).toString("hex");
    const rotated = await store.rotateRefreshToken({
      sessionHandle: record.sessionHandle,
      expectedRefreshTokenHash2: record.refreshTokenHash2,
      newRefreshTokenHash2: next,
      rotatedAt: Date.now(),
      newExpiresAt: now + 48 * HOUR,
    });
    if (!rotated) throw new Error("rotation refused");
    record.refreshTokenHash2 = next;
  };
  // Unmeasured calls first, so every size is timed on warm connections, prepared statements and JIT
  // code (without them the 1k runs, the shortest, came out slower than the 100k runs).
  for (let sample = 0; sample < WARM_UP; sample++) {
    await get(sample);
    await list(sample);
    await rotate(sample);
  }
  const getFigures = await timed(SAMPLES, get);
  console.log(`get:             ${show(getFigures)}`);
  const listFigures = await timed(SAMPLES, list);
  console.log(`list-for-user:   ${show(listFigures)}`);
  const rotateFigures = await timed(SAMPLES, rotate);
  console.log(`rotate:          ${show(rotateFigures)}`);
  // Half the sampled users are revoked before the cleanup and half after it: at a million sessions
  // the first runs measured revoke-all only after the cleanup, and slow, which this tells apart.
  // Before: users without an expired session (odd ones: none of their indexes is a multiple of 10),
  // so the cleanup deletes as many sessions as it would without them.
  const userIds = users.map((records) => (records[0] as SessionRecord).userId);
  const hasExpired = (index: number): boolean => (users[index] ?? []).some((record) => record.expiresAt <= now + HOUR);
  const before = userIds.filter((_, index) => !hasExpired(index));
  const after = userIds.filter((_, index) => hasExpired(index));
  const revokeUser = (ids: string[]) => (sample: number) => store.revokeSessionsForUser({ userId: ids[sample] as string });
  const revokeAll = await timed(Math.min(SAMPLES, before.length), revokeUser(before));
  console.log(`revoke-all:      ${show(revokeAll)}`);
  const cleanup = await withPauseMeter(() => store.deleteExpiredSessions(now + HOUR));
  console.log(
    `cleanup:         ${cleanup.result} deleted in ${cleanup.totalMs.toFixed(0)} ms, longest event-loop pause ${cleanup.longestPauseMs.toFixed(1)} ms (${cleanup.longestCpuMs.toFixed(1)} ms of CPU)`,
  );
  const revokeAllAfterCleanup = await timed(Math.min(SAMPLES, after.length), revokeUser(after));
  console.log(`revoke-all after the cleanup: ${show(revokeAllAfterCleanup)}`);
  return {
    get: getFigures,
    list: listFigures,
    rotate: rotateFigures,
    revokeAll,
    revokeAllAfterCleanup,
    cleanup: {
      deleted: cleanup.result,
      totalMs: Math.round(cleanup.totalMs),
      longestPauseMs: Math.round(cleanup.longestPauseMs * 10) / 10,
      longestCpuMs: Math.round(cleanup.longestCpuMs * 10) / 10,
    },
  };
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const backend = await openBackend(storeName, { cleanupBatchSize: batch });
  // A signal (Ctrl-C, timeout) still drops the database or stops the redis-server.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      backend.dispose().finally(() => process.exit(130));
    });
  }
  const { store } = backend;
  const now = Date.now();
  try {
    // Any call opens the store and runs its migrations before the fill writes to its tables.
    await store.getSession("none");
    const fillStart = performance.now();
    const users = await fill(backend, now);
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const mode = fillMode === "bulk" && backend.bulkInsert ? "bulk" : "api";
    let settleSeconds = 0;
    if (mode === "bulk" && backend.settle) {
      const settleStart = performance.now();
      await backend.settle();
      settleSeconds = (performance.now() - settleStart) / 1000;
    }
    const bytes = await backend.bytes();
    console.log(
      `${storeName}: ${sessions} sessions (${sessions / 10} expired at cleanup time), ${mode} fill in ${fillSeconds.toFixed(1)} s, settled in ${settleSeconds.toFixed(1)} s`,
    );
    if (mode === "bulk") console.log(`fill checked through the store API: ${await checkFill(backend, users)} users`);
    const bytesPerSession = Math.round(bytes / sessions);
    console.log(`bytes per session: ${bytesPerSession}`);
    const figures = await measure(store, users, now);
    // A user the probes left alone (sampled users were revoked): the plans at this size.
    const explained = await backend.explain?.(`user-${Math.floor(sessions / SESSIONS_PER_USER) - 1}`);
    for (const line of explained ?? []) console.log(`plan: ${line}`);
    const loadAtEnd = loadAverage();
    console.log(`load average (1 min): ${loadAtStart} at start, ${loadAtEnd} at end`);
    // A run with other SQLite pragmas or PostgreSQL's asynchronous commit is a comparison, printed only: the saved figures are the store's defaults.
    if (process.env.LATCH_BENCH_SQLITE_PRAGMAS || process.env.LATCH_BENCH_POSTGRES_ASYNC_COMMIT) return;
    saveScaleResult({
      store: storeName,
      sessions,
      fill: mode,
      fillSeconds: Math.round(fillSeconds * 10) / 10,
      settleSeconds: Math.round(settleSeconds * 10) / 10,
      bytesPerSession,
      ...figures,
      load: [loadAtStart, loadAtEnd],
      date: new Date().toISOString(),
      ...(batch === undefined ? {} : { cleanupBatchSize: batch }),
    });
  } finally {
    await backend.dispose();
  }
}

await main();
