/** What each test page puts on `window.harness`: one interface, two clients behind it. */
export interface CallResult {
  status: number;
  body: unknown;
}

export interface Harness {
  /** "latch" (@latch/web) or "supertokens" (supertokens-website from npm). */
  readonly client: string;
  login(userId: string): Promise<CallResult>;
  /** A request through the client's fetch (the SDK's interception, or @latch/web's wrapper). */
  call(path: string, method?: string, jsonBody?: unknown): Promise<CallResult>;
  doesSessionExist(): Promise<boolean>;
  getUserId(): Promise<string | undefined>;
  signOut(): Promise<void>;
  /** The session-ended events the client has reported on this page so far. */
  endedEvents(): string[];
}

declare global {
  interface Window {
    harness?: Harness;
  }
}

/** The token transfer method the page was opened with (`?mode=cookie|header`). */
export function modeFromUrl(): "cookie" | "header" {
  return new URLSearchParams(location.search).get("mode") === "header" ? "header" : "cookie";
}

export async function asResult(response: Response): Promise<CallResult> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, body };
}

export function requestInit(method: string, jsonBody?: unknown): RequestInit {
  if (jsonBody === undefined) return { method };
  return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(jsonBody) };
}
