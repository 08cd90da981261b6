import { type AccessTokenPayload, decodeFrontToken, type FrontToken, sessionIdentity } from "./front-token";
import { defaultRunExclusive, type RunExclusive } from "./lock";
import { defaultStorage, type TokenStorage } from "./storage";

export type TokenTransferMethod = "cookie" | "header";

/** Why the session ended: sign-out here, the server said so, refresh-token theft, or another tab. */
export type SessionEndReason = "signedOut" | "unauthorised" | "tokenTheft" | "otherTab";

export interface LatchClientOptions {
  /** Origin of the API, e.g. "https://api.example.com"; default: the page's own origin. */
  apiDomain?: string;
  /** Where Latch's routes are mounted; default "/auth". */
  apiBasePath?: string;
  /** "cookie" (default: HttpOnly cookies, nothing readable by scripts) or "header" (tokens kept in `storage`). */
  tokenTransferMethod?: TokenTransferMethod;
  /** The server's `sessionExpiredStatusCode`; default 401. */
  sessionExpiredStatusCode?: number;
  /** Default in a page: `cookieStorage()` (readable cookies of the page's host, shared by its tabs); elsewhere memory. */
  storage?: TokenStorage;
  /** Prefix of the storage keys, the refresh lock's and the cross-tab channel's names; default "latch". */
  storageKeyPrefix?: string;
  /** The fetch to wrap; default: the global fetch at call time. */
  fetch?: typeof fetch;
  /** How refreshes are serialised; default: the Web Locks API, else within the page. */
  runExclusive?: RunExclusive;
}

type Outcome = "none" | "stored" | "removed" | "stale";

const TRY_REFRESH = "try refresh token";
const UNAUTHORISED = "unauthorised";
const TOKEN_THEFT = "token theft detected";

/**
 * A session-aware fetch for one Latch (or SuperTokens-protocol) API. Requests to the API get `rid`,
 * `st-auth-mode`, the anti-CSRF token and, in header mode, the access token; a 401 `try refresh
 * token` refreshes once (one refresh at a time across tabs) and retries the request once; a 401
 * `unauthorised` ends the session without refreshing, so a dead session never loops.
 */
export class LatchClient {
  readonly #apiOrigin: string;
  readonly #refreshUrl: string;
  readonly #signOutUrl: string;
  readonly #mode: TokenTransferMethod;
  readonly #expiredStatus: number;
  readonly #storage: TokenStorage;
  readonly #keys: { front: string; antiCsrf: string; access: string; refresh: string; lock: string; channel: string };
  readonly #fetchOption: typeof fetch | undefined;
  readonly #runExclusive: RunExclusive;
  readonly #listeners = new Set<(reason: SessionEndReason) => void>();
  /** Tells the origin's other tabs that the session ended (browsers only). */
  #channel: BroadcastChannel | undefined;

  constructor(options: LatchClientOptions = {}) {
    const apiDomain = options.apiDomain ?? globalThis.location?.origin;
    if (!apiDomain) throw new TypeError("LatchClient: apiDomain is required outside a browser page");
    this.#apiOrigin = new URL(apiDomain).origin;
    const basePath = `/${(options.apiBasePath ?? "/auth").replace(/^\/+|\/+$/g, "")}`.replace(/^\/$/, "");
    this.#refreshUrl = `${this.#apiOrigin}${basePath}/session/refresh`;
    this.#signOutUrl = `${this.#apiOrigin}${basePath}/signout`;
    this.#mode = options.tokenTransferMethod ?? "cookie";
    if (this.#mode !== "cookie" && this.#mode !== "header") throw new TypeError('LatchClient: tokenTransferMethod is "cookie" or "header"');
    this.#expiredStatus = options.sessionExpiredStatusCode ?? 401;
    this.#storage = options.storage ?? defaultStorage();
    const prefix = options.storageKeyPrefix ?? "latch";
    this.#keys = {
      front: `${prefix}.frontToken`,
      antiCsrf: `${prefix}.antiCsrf`,
      access: `${prefix}.accessToken`,
      refresh: `${prefix}.refreshToken`,
      lock: `${prefix}.refresh`,
      channel: `${prefix}.session`,
    };
    this.#fetchOption = options.fetch;
    this.#runExclusive = options.runExclusive ?? defaultRunExclusive();
  }

  /**
   * fetch, with the session: use it for every call to the API (other origins pass through untouched).
   * Relative URLs resolve against the page, or against `apiDomain` where there is no page (Node).
   */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // Outside a page there is nothing to resolve a relative URL against but the API.
    const resolved = typeof input === "string" && !globalThis.location ? new URL(input, this.#apiOrigin) : input;
    const original = new Request(resolved, init);
    if (new URL(original.url).origin !== this.#apiOrigin) return this.#rawFetch(original);
    for (let attempt = 0; ; attempt++) {
      const before = this.#storage.getItem(this.#keys.front);
      const response = await this.#send(original.clone());
      const outcome = this.#absorb(response, before);
      const message = response.status === this.#expiredStatus ? await errorMessage(response) : undefined;
      if (message === TRY_REFRESH && outcome !== "removed") {
        // Retry once: a second "try refresh token" right after a refresh is the server's final word.
        if (attempt > 0 || !(await this.#refreshUnlessChanged(before))) return response;
        continue;
      }
      if (outcome === "removed") this.#ended(reasonOf(message));
      else if ((message === UNAUTHORISED || message === TOKEN_THEFT) && this.#isCurrent(before) && this.#clear())
        this.#ended(reasonOf(message));
      return response;
    }
  };

  /**
   * True when this client holds a session; an expired access token is refreshed first (once per
   * expiry across tabs), so `false` means the session is gone, not merely due for a refresh.
   */
  async doesSessionExist(): Promise<boolean> {
    const raw = this.#storage.getItem(this.#keys.front);
    const front = raw === null ? undefined : decodeFrontToken(raw);
    if (!front) return false;
    if (front.ate > Date.now()) return true;
    return this.#refreshUnlessChanged(raw);
  }

  /** The signed-in user's id (from the front token), or undefined without a session. */
  getUserId(): string | undefined {
    return this.#frontToken()?.uid;
  }

  /** The access token's whole payload (`sessionHandle`, `exp`, `iat` and the app's claims). */
  getAccessTokenPayload(): AccessTokenPayload | undefined {
    return this.#frontToken()?.up;
  }

  /** When the current access token expires (ms since the epoch); the client refreshes it when a call needs it. */
  getAccessTokenExpiry(): number | undefined {
    return this.#frontToken()?.ate;
  }

  /** Refreshes now (serialised with every other refresh of the origin); false when the session is gone. */
  refresh(): Promise<boolean> {
    return this.#runExclusive(this.#keys.lock, () => this.#refreshNow());
  }

  /** Signs out on the server and forgets the session here, whatever the server answers. */
  async signOut(): Promise<void> {
    try {
      await this.fetch(this.#signOutUrl, { method: "POST" });
    } finally {
      if (this.#clear()) this.#ended("signedOut");
    }
  }

  /**
   * Calls `listener` when the session ends: signed out, refused by the server, or ended by another
   * tab of this origin (its next call would find no session). Returns the unsubscribe function.
   */
  onSessionEnded(listener: (reason: SessionEndReason) => void): () => void {
    this.#listeners.add(listener);
    this.#openChannel();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #rawFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return (this.#fetchOption ?? globalThis.fetch)(input, init);
  }

  #send(request: Request): Promise<Response> {
    const headers = new Headers(request.headers);
    if (!headers.has("rid")) headers.set("rid", "anti-csrf");
    headers.set("st-auth-mode", this.#mode);
    const antiCsrf = this.#storage.getItem(this.#keys.antiCsrf);
    if (antiCsrf) headers.set("anti-csrf", antiCsrf);
    const accessToken = this.#mode === "header" ? this.#storage.getItem(this.#keys.access) : null;
    if (accessToken && !headers.has("authorization")) headers.set("authorization", `Bearer ${accessToken}`);
    return this.#rawFetch(new Request(request, { headers, credentials: "include" }));
  }

  /**
   * Keeps what a response says about the session, unless the response belongs to an older session
   * than the one held now (sent before another login, sign-out or a newer token): a late answer of
   * an old session must neither end nor overwrite the current one.
   */
  #absorb(response: Response, before: string | null): Outcome {
    const frontHeader = response.headers.get("front-token");
    const accessToken = response.headers.get("st-access-token");
    const refreshToken = response.headers.get("st-refresh-token");
    const antiCsrf = response.headers.get("anti-csrf");
    if (frontHeader === null && accessToken === null && refreshToken === null && antiCsrf === null) return "none";
    if (!this.#isCurrent(before)) return "stale";
    if (frontHeader === "remove") return this.#clear() ? "removed" : "none";
    const incoming = frontHeader === null ? undefined : decodeFrontToken(frontHeader);
    if (frontHeader !== null) {
      const current = this.#frontToken();
      if (!incoming) return "none";
      if (current && sessionIdentity(current) === sessionIdentity(incoming) && issuedAt(incoming) < issuedAt(current)) return "stale";
    }
    // The front token last: a reader that sees the new front token sees the tokens that came with it.
    this.#keep(this.#keys.access, accessToken);
    this.#keep(this.#keys.refresh, refreshToken);
    this.#keep(this.#keys.antiCsrf, antiCsrf);
    if (frontHeader !== null) this.#storage.setItem(this.#keys.front, frontHeader);
    return "stored";
  }

  /** Whether the session held when a request was sent (its front token `before`) is still the one held. */
  #isCurrent(before: string | null): boolean {
    if (before === null) return true;
    const current = this.#storage.getItem(this.#keys.front);
    return sessionIdentity(decodeFrontToken(before)) === sessionIdentity(current === null ? undefined : decodeFrontToken(current));
  }

  /** Refreshes unless the token changed since `before` (another call or tab refreshed it meanwhile). */
  #refreshUnlessChanged(before: string | null): Promise<boolean> {
    return this.#runExclusive(this.#keys.lock, async () => {
      const now = this.#storage.getItem(this.#keys.front);
      if (now !== before) return now !== null;
      return this.#refreshNow();
    });
  }

  async #refreshNow(): Promise<boolean> {
    const before = this.#storage.getItem(this.#keys.front);
    const headers = new Headers({ rid: "anti-csrf", "st-auth-mode": this.#mode });
    const antiCsrf = this.#storage.getItem(this.#keys.antiCsrf);
    if (antiCsrf) headers.set("anti-csrf", antiCsrf);
    const refreshToken = this.#mode === "header" ? this.#storage.getItem(this.#keys.refresh) : null;
    if (refreshToken) headers.set("authorization", `Bearer ${refreshToken}`);
    const response = await this.#rawFetch(this.#refreshUrl, { method: "POST", headers, credentials: "include" });
    const outcome = this.#absorb(response, before);
    if (response.ok) return outcome === "stored" && this.#storage.getItem(this.#keys.front) !== null;
    if (response.status === this.#expiredStatus) {
      const message = await errorMessage(response);
      if (outcome === "removed" || (this.#isCurrent(before) && this.#clear())) this.#ended(reasonOf(message));
    }
    // Anything else (a 503 while the store is down, say) keeps the tokens for a later try.
    return false;
  }

  #frontToken(): FrontToken | undefined {
    const raw = this.#storage.getItem(this.#keys.front);
    return raw === null ? undefined : decodeFrontToken(raw);
  }

  #keep(key: string, value: string | null): void {
    if (value === null) return;
    if (value === "" || value === "remove") this.#storage.removeItem(key);
    else this.#storage.setItem(key, value);
  }

  /** Forgets every token; true when there was a session to forget. */
  #clear(): boolean {
    const had = this.#storage.getItem(this.#keys.front) !== null;
    for (const key of [this.#keys.front, this.#keys.antiCsrf, this.#keys.access, this.#keys.refresh]) this.#storage.removeItem(key);
    if (had) this.#openChannel()?.postMessage("ended");
    return had;
  }

  #ended(reason: SessionEndReason): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(reason);
      } catch (error) {
        // A listener's bug must not break the request that ended the session.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #openChannel(): BroadcastChannel | undefined {
    // Browsers only: in Node an open channel would keep the process alive.
    if (this.#channel || typeof document === "undefined" || typeof BroadcastChannel !== "function") return this.#channel;
    this.#channel = new BroadcastChannel(this.#keys.channel);
    this.#channel.onmessage = (event: MessageEvent) => {
      if (event.data === "ended") this.#ended("otherTab");
    };
    return this.#channel;
  }
}

function reasonOf(message: string | undefined): SessionEndReason {
  if (message === TOKEN_THEFT) return "tokenTheft";
  if (message === UNAUTHORISED) return "unauthorised";
  return "signedOut";
}

function issuedAt(token: FrontToken): number {
  return typeof token.up.iat === "number" ? token.up.iat : 0;
}

/** The `message` of a Latch error body, read from a clone so the caller still gets the body. */
async function errorMessage(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    return typeof body === "object" && body !== null && "message" in body && typeof body.message === "string" ? body.message : undefined;
  } catch {
    return undefined;
  }
}
