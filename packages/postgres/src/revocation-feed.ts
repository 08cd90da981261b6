import type { RevocationSubscription, RevocationWatcher, RevokedSessions } from "@latch/core";
import { Client, type ClientConfig, type Notification } from "pg";

/**
 * PostgreSQL's NOTIFY payload limit is 8000 bytes. Handles are grouped into notifications of about
 * this many bytes of JSON; a group that still comes out longer (a handle of several kilobytes) is
 * announced by its row ids instead, and the watcher reads those rows.
 */
export const NOTIFY_CHUNK_BYTES = 7_000;
export const NOTIFY_MAX_BYTES = 7_800;
/** Rows one catch-up query reads; the next page starts after the last id. */
const CATCH_UP_PAGE = 1_000;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * The statement that records what `deleteSql` deletes (a DELETE ... RETURNING session_handle) in
 * the revocations table and announces it with pg_notify, all in one statement: one round trip, one
 * atomic step, and NOTIFY is delivered only when the transaction commits, so a deletion that fails
 * or rolls back announces nothing. `$revokedAt` and `$channel` are the placeholders of the time and
 * the channel name. Returns the deleted handles.
 */
export function revokingStatement(p: string, deleteSql: string, revokedAt: string, channel: string): string {
  return `WITH deleted AS (${deleteSql}),
    recorded AS (INSERT INTO ${p}revocations (session_handle, revoked_at) SELECT session_handle, ${revokedAt}::bigint FROM deleted
      RETURNING id, session_handle),
    sized AS (SELECT id, session_handle, octet_length(to_json(session_handle)::text) + 1 AS bytes FROM recorded),
    chunked AS (SELECT id, session_handle, bytes, (sum(bytes) OVER (ORDER BY id)) / ${NOTIFY_CHUNK_BYTES} AS chunk FROM sized),
    notified AS (SELECT pg_notify(${channel}, CASE WHEN sum(bytes) <= ${NOTIFY_MAX_BYTES - 100}
        THEN json_build_object('t', ${revokedAt}::bigint, 'h', json_agg(session_handle ORDER BY id))::text
        ELSE json_build_object('r', json_build_array(min(id), max(id)))::text END) AS sent
      FROM chunked GROUP BY chunk)
    SELECT session_handle FROM recorded WHERE (SELECT count(*) FROM notified) >= 0`;
}

interface FeedOptions {
  /** Settings of the dedicated connection (the pool's, so the same server and credentials). */
  clientConfig: ClientConfig;
  /** Table prefix. */
  p: string;
  channel: string;
  retentionMs: number;
  watcher: RevocationWatcher;
  /** Creates or upgrades the tables before the first LISTEN. */
  migrate: () => Promise<void>;
}

interface RevocationRow {
  id: string;
  session_handle: string;
  revoked_at: string;
}

/**
 * One watch: a dedicated connection (not from the query pool, which would hand it back) that
 * LISTENs on the prefix's channel, then reads every retained revocation, and after a drop
 * reconnects with backoff and reads them again. The LISTEN comes before the read, so a revocation
 * committed in between arrives twice rather than never (duplicates are allowed).
 */
export class PostgresRevocationFeed implements RevocationSubscription {
  readonly #options: FeedOptions;
  #client: Client | undefined;
  #closed = false;
  /** True from the outage's report until the recovery's: each is reported once. */
  #reportedDown = false;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: FeedOptions) {
    this.#options = options;
  }

  /** Connects and catches up once; on failure reports the outage and keeps retrying in the background. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new Client({ keepAlive: true, ...this.#options.clientConfig });
    this.#client = client;
    let lost = false;
    const onLost = (cause: unknown) => {
      if (lost || this.#client !== client) return;
      lost = true;
      this.#client = undefined;
      client.end().catch(() => {});
      this.#down(cause);
    };
    client.on("error", onLost);
    client.on("end", () => onLost(new Error("the LISTEN connection ended")));
    client.on("notification", (message) => {
      this.#onNotification(client, message).catch(onLost);
    });
    try {
      await this.#options.migrate();
      await client.connect();
      await client.query(`LISTEN ${this.#options.channel}`);
      await this.#catchUp(client);
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost || this.#closed) return;
    this.#retryMs = FIRST_RETRY_MS;
    if (this.#reportedDown) {
      this.#reportedDown = false;
      this.#report({ connected: true });
    }
  }

  #down(cause: unknown): void {
    if (this.#closed) return;
    if (!this.#reportedDown) {
      this.#reportedDown = true;
      this.#report({ connected: false, cause });
    }
    // Backoff with jitter, so a fleet reconnecting after a restart does not arrive all at once.
    const delay = this.#retryMs * (0.5 + Math.random() / 2);
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => void this.#connect(), delay);
  }

  /** Every revocation younger than the retention, a page at a time by id. */
  async #catchUp(client: Client): Promise<void> {
    const { p, retentionMs } = this.#options;
    const since = Date.now() - retentionMs;
    let after = "0";
    for (;;) {
      const result = await client.query<RevocationRow>(
        `SELECT id, session_handle, revoked_at FROM ${p}revocations WHERE revoked_at > $1 AND id > $2 ORDER BY id LIMIT $3`,
        [since, after, CATCH_UP_PAGE],
      );
      this.#deliverRows(result.rows);
      const last = result.rows.at(-1);
      if (!last || result.rows.length < CATCH_UP_PAGE) return;
      after = last.id;
    }
  }

  async #onNotification(client: Client, message: Notification): Promise<void> {
    if (message.channel !== this.#options.channel || message.payload === undefined) return;
    const payload = JSON.parse(message.payload) as { t?: number; h?: string[]; r?: [number, number] };
    if (payload.h && typeof payload.t === "number") {
      this.#deliver({ sessionHandles: payload.h, revokedAt: payload.t });
    } else if (payload.r) {
      // Handles too long for a notification: read those rows.
      const result = await client.query<RevocationRow>(
        `SELECT id, session_handle, revoked_at FROM ${this.#options.p}revocations WHERE id BETWEEN $1 AND $2 ORDER BY id`,
        payload.r,
      );
      this.#deliverRows(result.rows);
    }
  }

  #deliverRows(rows: readonly RevocationRow[]): void {
    const byTime = new Map<number, string[]>();
    for (const row of rows) {
      const revokedAt = Number(row.revoked_at);
      const handles = byTime.get(revokedAt) ?? [];
      handles.push(row.session_handle);
      byTime.set(revokedAt, handles);
    }
    for (const [revokedAt, sessionHandles] of byTime) this.#deliver({ sessionHandles, revokedAt });
  }

  #deliver(revoked: RevokedSessions): void {
    if (this.#closed) return;
    try {
      this.#options.watcher.onRevoked(revoked);
    } catch {
      // A watcher that throws must not stop the feed; it is its own bug to report.
    }
  }

  #report(change: { connected: boolean; cause?: unknown }): void {
    try {
      this.#options.watcher.onConnectionChange(change);
    } catch {
      // As in #deliver.
    }
  }
}
