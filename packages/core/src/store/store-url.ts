import { ConfigError } from "../errors";

export interface StoreUrlKind {
  /** The store's name, as in `SessionStore.name`. */
  store: string;
  /** Accepted schemes without the colon, e.g. ["postgres", "postgresql"]. */
  schemes: readonly string[];
  /** A well-formed example shown in the error. */
  example: string;
}

/**
 * Checks a store URL before a store is built on it, so that an unset variable or a typo fails at
 * start-up with what was expected instead of as a driver error on the first request. The error
 * never repeats the value: it may hold a password.
 */
export function checkStoreUrl(url: unknown, kind: StoreUrlKind): string {
  const expected = `expected ${kind.schemes.map((scheme) => `${scheme}:`).join(" or ")} URL such as ${kind.example}`;
  if (typeof url !== "string" || url.trim() === "") {
    const given = url === undefined ? "undefined" : JSON.stringify(url);
    throw new ConfigError(`${kind.store} store: the URL is ${given} (is the environment variable that holds it set?); ${expected}`);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !kind.schemes.includes(scheme)) {
    const given = scheme === undefined ? "a value without a scheme" : `a ${scheme}: URL`;
    throw new ConfigError(`${kind.store} store: got ${given}; ${expected}`);
  }
  if (url.startsWith(`${scheme}://`) && !URL.canParse(url)) {
    throw new ConfigError(
      `${kind.store} store: the ${scheme}: URL is malformed (characters such as @ : / # in the password must be percent-encoded); ${expected}`,
    );
  }
  return url;
}
