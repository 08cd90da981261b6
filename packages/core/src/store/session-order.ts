import type { SessionPageQuery, SessionRecord } from "./session-store";

/**
 * The order every store lists and caps sessions in: createdAt, then sessionHandle (handles break
 * ties between sessions created in the same millisecond). For stores that sort in JavaScript.
 */
export function compareSessions(
  a: Pick<SessionRecord, "createdAt" | "sessionHandle">,
  b: Pick<SessionRecord, "createdAt" | "sessionHandle">,
): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.sessionHandle < b.sessionHandle ? -1 : a.sessionHandle > b.sessionHandle ? 1 : 0;
}

/** One page of live sessions, in `compareSessions` order. */
export function sessionPage(records: readonly SessionRecord[], now: number, page: SessionPageQuery): SessionRecord[] {
  return records
    .filter((record) => record.expiresAt > now && compareSessions(record, page.after) > 0)
    .sort(compareSessions)
    .slice(0, page.limit);
}

/**
 * The live sessions a new session pushes past the cap: the oldest ones, so that the new session
 * and the `maxSessionsPerUser - 1` newest others remain.
 */
export function sessionsPastCap(
  records: readonly SessionRecord[],
  newSessionHandle: string,
  maxSessionsPerUser: number,
  now: number,
): SessionRecord[] {
  const others = records.filter((record) => record.expiresAt > now && record.sessionHandle !== newSessionHandle).sort(compareSessions);
  return others.slice(0, Math.max(0, others.length - (maxSessionsPerUser - 1)));
}
