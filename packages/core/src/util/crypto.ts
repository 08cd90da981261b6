import { base64UrlDecode, base64UrlEncode, hex, utf8Bytes } from "./encoding";
import { type NodeCrypto, nodeBuffer, nodeCrypto } from "./native";

// Web Crypto is global in Node 20+, edge runtimes and browsers.
const subtle = globalThis.crypto.subtle;

// On Node, random bytes come from a pool filled 4 KB at a time by the same CSPRNG (as Node's own
// randomUUID does): one getRandomValues call per token cost about 3 µs of WebIDL conversion. Every
// byte is handed out once and zeroed in the pool as it is, so a later heap dump shows no past secret.
const POOL_SIZE = 4096;
let pool: Uint8Array | undefined;
let poolOffset = POOL_SIZE;

export function randomBytes(length: number): Uint8Array {
  if (!nodeCrypto || length > POOL_SIZE / 4) return globalThis.crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > POOL_SIZE) {
    pool = nodeCrypto.randomFillSync(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const source = pool as Uint8Array;
  const bytes = source.slice(poolOffset, poolOffset + length);
  source.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
}

/** 256 bits of randomness, base64url: for refresh-token secrets, anti-CSRF tokens, HMAC keys. */
export function randomToken(): string {
  return base64UrlEncode(randomBytes(32));
}

export function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

/** SHA-256 of the UTF-8 text, lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  return nodeCrypto ? nodeSha256Hex(nodeCrypto, text) : webSha256Hex(text);
}

/** HMAC-SHA-256 with a base64url key, base64url (unpadded). */
export async function hmacSha256Base64Url(keyBase64Url: string, message: string): Promise<string> {
  return nodeCrypto ? nodeHmacSha256Base64Url(nodeCrypto, keyBase64Url, message) : webHmacSha256Base64Url(keyBase64Url, message);
}

/** @internal The Web Crypto path (edge runtimes, browsers); exported to test it against Node's. */
export async function webSha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await subtle.digest("SHA-256", utf8Bytes(text))));
}

/** @internal */
export async function webHmacSha256Base64Url(keyBase64Url: string, message: string): Promise<string> {
  const key = await subtle.importKey("raw", base64UrlDecode(keyBase64Url), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return base64UrlEncode(new Uint8Array(await subtle.sign("HMAC", key, utf8Bytes(message))));
}

/** @internal The Node path: synchronous, no thread-pool hop, no key import. */
export function nodeSha256Hex(crypto: NodeCrypto, text: string): string {
  return crypto.createHash("sha256").update(text, "utf8").digest("hex");
}

/** @internal */
export function nodeHmacSha256Base64Url(crypto: NodeCrypto, keyBase64Url: string, message: string): string {
  return crypto.createHmac("sha256", base64UrlDecode(keyBase64Url)).update(message, "utf8").digest("base64url");
}

/**
 * A long secret kept for constant-time comparison against strings, many times over (the
 * verified-token cache compares a whole access token on every request). The secret is encoded
 * once; each candidate is encoded and compared byte for byte, natively on Node. For a secret
 * without U+FFFD (an access token is ASCII), equal bytes mean the same string: UTF-8 keeps every
 * other text distinct, and turns only lone surrogates into U+FFFD's bytes.
 * In instructions per compare of a 900-character token (bench/src/tools/token-compare-ab.ts):
 * Node's native path about 9.6k, the portable byte loop about 26k, a loop over the string's
 * characters about 58k, and the `!==` it replaced about 0.1k.
 */
export class ComparableSecret {
  readonly #bytes: Uint8Array;

  constructor(value: string) {
    this.#bytes = nodeBuffer ? nodeBuffer.from(value, "utf8") : utf8Bytes(value);
  }

  /** Whether `candidate` is this secret, in time that depends only on the lengths. */
  equals(candidate: string): boolean {
    const bytes = nodeBuffer ? nodeBuffer.from(candidate, "utf8") : utf8Bytes(candidate);
    // The native comparison needs equal lengths; the length is not the secret.
    if (bytes.length !== this.#bytes.length) return false;
    return nodeCrypto ? nodeCrypto.timingSafeEqual(bytes, this.#bytes) : bytesEqual(bytes, this.#bytes);
  }
}

/** @internal Constant-time equality of two byte arrays of the same length (the portable path). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/**
 * Compares two secrets in time that depends only on their lengths, never on where they differ.
 * Every comparison of a secret (hashes, anti-CSRF tokens) goes through here or `ComparableSecret`.
 * It compares UTF-16 code units, without encoding either side: no allocation per call (the
 * verified-token cache compares a whole access token on every request), and two different
 * strings never compare equal (UTF-8 encoding would map every lone surrogate to U+FFFD).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  // Compare against itself when lengths differ so the loop still runs over `a`.
  const other = a.length === b.length ? b : a;
  let diff = a.length === b.length ? 0 : 1;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ other.charCodeAt(i);
  return diff === 0;
}
