/**
 * What Latch tells the operator. Messages name events, stores and session handles, never a token, a
 * hash or a key: logs are read by more people than the database is.
 */

/** Where Latch's messages go: `console` by default; pino, winston and similar loggers fit as they are. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Writes to `console` (present in Node, Deno, Bun, workers and browsers alike), prefixed "latch". */
export const consoleLogger: Logger = {
  debug: (message) => console.debug(`latch ${new Date().toISOString()} ${message}`),
  info: (message) => console.info(`latch ${message}`),
  warn: (message) => console.warn(`latch ${message}`),
  error: (message) => console.error(`latch ${message}`),
};

/** Says nothing: `logger: silentLogger` (or `logger: false`). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The logger core writes through: debug messages only when `debug` is on, so a logger that prints
 * every level does not fill up with per-request events unless the operator asked for them.
 */
export function createLog(logger: Logger, debug: boolean): Logger {
  return {
    debug: debug ? (message) => logger.debug(message) : () => {},
    info: (message) => logger.info(message),
    warn: (message) => logger.warn(message),
    error: (message) => logger.error(message),
  };
}

/** Runs of 32 or more base64url or hex characters: tokens, hashes and keys (Latch's are all base64url or hex). */
const SECRET_LIKE = /[A-Za-z0-9_-]{32,}/g;
/** `scheme://user:password@` in a connection string echoed by a driver. */
const URL_PASSWORD = /(\/\/[^/\s:@]*):[^@\s/]*@/g;
/** Deep chains are cut: the first few causes are the useful ones. */
const MAX_CAUSES = 6;

/**
 * The messages of an error and of every `cause` beneath it (and of an AggregateError's errors, which
 * is how Node reports a refused connection to each address of a host), with anything that looks like
 * a secret masked.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current) && parts.length < MAX_CAUSES) {
    seen.add(current);
    parts.push(redact(oneError(current)));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(": caused by ");
}

function oneError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let text = error.message || error.name;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) {
    const messages = [...new Set(inner.map((e) => (e instanceof Error ? e.message : String(e))))];
    text = error.message ? `${error.message} (${messages.join("; ")})` : messages.join("; ");
  }
  return typeof code === "string" && !text.includes(code) ? `${text} [${code}]` : text;
}

/** The text with anything that looks like a secret (or a connection string's password) masked. */
export function redact(text: string): string {
  return text.replace(URL_PASSWORD, "$1:***@").replace(SECRET_LIKE, "[redacted]");
}
