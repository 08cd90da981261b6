import type { RevocationSubscription, RevocationWatcher, RevokedSessions } from "@latch/core";
import type { Cluster, Redis } from "ioredis";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

interface FeedOptions {
  /** The store's client: the catch-up reads the feed keys through it (on a Cluster, each from its master). */
  client: Redis | Cluster;
  /** Every key the feed may be kept in: one on a single server; on a Cluster one per slot, index = slot. */
  feedKeys: () => readonly string[];
  channel: string;
  retentionMs: number;
  watcher: RevocationWatcher;
}

/**
 * One watch: a dedicated subscriber connection (a connection in subscribe mode can run nothing
 * else), SUBSCRIBEd to the prefix's channel before the retained feed is read, so a revocation made
 * in between arrives twice rather than never. Classic PUBLISH reaches the subscribers of every node
 * of a Cluster, so the subscriber connects to any one node; after a drop it reconnects with
 * backoff, to the next node on a Cluster, and reads the retained feed again.
 */
export class RedisRevocationFeed implements RevocationSubscription {
  readonly #options: FeedOptions;
  #subscriber: Redis | undefined;
  #closed = false;
  /** True from the outage's report until the recovery's: each is reported once. */
  #reportedDown = false;
  #attempt = 0;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(options: FeedOptions) {
    this.#options = options;
  }

  /** Subscribes and catches up once; on failure reports the outage and keeps retrying in the background. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    subscriber?.disconnect();
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    let subscriber: Redis | undefined;
    let lost = false;
    const onLost = (cause: unknown) => {
      if (lost) return;
      lost = true;
      if (this.#subscriber === subscriber) this.#subscriber = undefined;
      subscriber?.disconnect();
      this.#down(cause);
    };
    try {
      subscriber = await this.#newSubscriber(this.#attempt++);
      this.#subscriber = subscriber;
      subscriber.on("error", () => {});
      subscriber.on("end", () => onLost(new Error("the subscriber connection ended")));
      subscriber.on("message", (channel: string, message: string) => {
        if (channel === this.#options.channel) this.#onMessage(message);
      });
      await subscriber.connect();
      await subscriber.subscribe(this.#options.channel);
      await this.#catchUp();
    } catch (error) {
      onLost(error);
      return;
    }
    if (lost || this.#closed) {
      if (this.#closed) subscriber.disconnect();
      return;
    }
    this.#retryMs = FIRST_RETRY_MS;
    if (this.#reportedDown) {
      this.#reportedDown = false;
      this.#report({ connected: true });
    }
  }

  /**
   * A standalone connection with the client's settings that never reconnects by itself (this class
   * does, and catches up when it has): on a Cluster, to one of its nodes in turn.
   */
  async #newSubscriber(attempt: number): Promise<Redis> {
    const overrides = {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      enableOfflineQueue: true,
    };
    const { client } = this.#options;
    if (!client.isCluster) return (client as Redis).duplicate(overrides);
    const cluster = client as Cluster;
    // A lazy Cluster knows its nodes once it has connected: any command connects it.
    if (cluster.nodes("all").length === 0) await cluster.exists(this.#options.channel);
    const nodes = cluster.nodes("all");
    const node = nodes[attempt % nodes.length];
    if (!node) throw new Error("the Cluster client knows no node");
    return node.duplicate(overrides);
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

  /** Every revocation younger than the retention, from every feed key. */
  async #catchUp(): Promise<void> {
    const since = `(${Date.now() - this.#options.retentionMs}`;
    const byTime = new Map<number, string[]>();
    for (const reply of await this.#readFeedKeys(since)) {
      for (let i = 0; i + 1 < reply.length; i += 2) {
        const revokedAt = Number(reply[i + 1]);
        const handles = byTime.get(revokedAt) ?? [];
        handles.push(reply[i] as string);
        byTime.set(revokedAt, handles);
      }
    }
    for (const [revokedAt, sessionHandles] of byTime) this.#deliver({ sessionHandles, revokedAt });
  }

  /**
   * ZRANGEBYSCORE of every feed key. On a Cluster, first one pipeline per master for the slots it
   * serves: 16,384 commands one by one through the Cluster client took 0.5 to 0.9 s here, pipelined
   * per master about a tenth of that. Right after a master came back, the client's per-node
   * connections and slot map can be stale for a while; then the reads go through the Cluster client,
   * which follows redirections and reconnects.
   */
  async #readFeedKeys(since: string): Promise<string[][]> {
    const { client } = this.#options;
    const keys = this.#options.feedKeys();
    const oneByOne = async () => {
      const replies: string[][] = [];
      for (let start = 0; start < keys.length; start += 512) {
        const batch = keys.slice(start, start + 512);
        replies.push(...(await Promise.all(batch.map((key) => client.zrangebyscore(key, since, "+inf", "WITHSCORES")))));
      }
      return replies;
    };
    if (!client.isCluster) return oneByOne();
    const cluster = client as Cluster;
    if (cluster.status !== "ready") await cluster.exists(this.#options.channel);
    try {
      return await this.#pipelinedPerMaster(cluster, keys, since);
    } catch {
      return oneByOne();
    }
  }

  async #pipelinedPerMaster(cluster: Cluster, keys: readonly string[], since: string): Promise<string[][]> {
    const keysByNode = new Map<string, string[]>();
    keys.forEach((key, slot) => {
      const owner = cluster.slots[slot]?.[0];
      if (owner === undefined) throw new Error(`no Cluster node serves slot ${slot}`);
      const ownerKeys = keysByNode.get(owner) ?? [];
      ownerKeys.push(key);
      keysByNode.set(owner, ownerKeys);
    });
    const nodes = new Map(cluster.nodes("master").map((node) => [`${node.options.host}:${node.options.port}`, node]));
    const replies = await Promise.all(
      [...keysByNode].map(async ([owner, ownerKeys]) => {
        const node = nodes.get(owner);
        if (!node) throw new Error(`the Cluster client has no connection to ${owner}`);
        const pipeline = node.pipeline();
        for (const key of ownerKeys) pipeline.zrangebyscore(key, since, "+inf", "WITHSCORES");
        const results = (await pipeline.exec()) ?? [];
        return results.map(([error, value]) => {
          if (error) throw error;
          return value as string[];
        });
      }),
    );
    return replies.flat();
  }

  #onMessage(message: string): void {
    let parsed: { t?: unknown; h?: unknown };
    try {
      parsed = JSON.parse(message) as { t?: unknown; h?: unknown };
    } catch {
      return;
    }
    // Lua's cjson writes an empty table as {} and the time as the string it was passed.
    if (!Array.isArray(parsed.h)) return;
    this.#deliver({ sessionHandles: parsed.h.map(String), revokedAt: Number(parsed.t) });
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
