/**
 * Where the client keeps what it must remember across reloads and share across tabs: the front
 * token, the anti-CSRF token and, in header mode, the access and refresh tokens. Anything with
 * these three methods works; the default in a page is `cookieStorage()`, elsewhere `memoryStorage()`.
 */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives as long as the page or process (the default outside a browser page). */
export function memoryStorage(): TokenStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value);
    },
    removeItem: (key) => {
      items.delete(key);
    },
  };
}

/**
 * Cookies of the page's own host, readable by scripts (as the SuperTokens SDK keeps `sFrontToken`).
 * Why not localStorage: a browser propagates localStorage between tabs asynchronously, so a tab that
 * takes the refresh lock just after another tab refreshed may still read the old anti-CSRF or access
 * token, refresh with it, and lose the session. Every tab reads cookies from the browser's one
 * cookie store, so what the lock holder wrote is what the next holder reads.
 */
export function cookieStorage(maxAgeSeconds = 400 * 24 * 3600): TokenStorage {
  const secure = globalThis.location?.protocol === "https:" ? "; Secure" : "";
  const write = (key: string, value: string, maxAge: number) => {
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is async and not in every browser.
    document.cookie = `${encodeURIComponent(key)}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; SameSite=Lax${secure}`;
  };
  return {
    getItem: (key) => {
      const name = `${encodeURIComponent(key)}=`;
      for (const part of document.cookie.split(/;\s*/)) {
        if (part.startsWith(name)) return decodeURIComponent(part.slice(name.length));
      }
      return null;
    },
    setItem: (key, value) => write(key, value, maxAgeSeconds),
    removeItem: (key) => write(key, "", 0),
  };
}

export function defaultStorage(): TokenStorage {
  return typeof document !== "undefined" && typeof document.cookie === "string" ? cookieStorage() : memoryStorage();
}
