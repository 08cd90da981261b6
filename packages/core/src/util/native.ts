// Node's own hashing and Buffer, when the runtime has them. Web Crypto's digest and HMAC are
// asynchronous jobs (a thread-pool hop and a promise each, and a CryptoKey import per HMAC): on a
// login, five of them cost more CPU than the ES256 signature itself (bench/OPTIMISATIONS.md).
// Found at run time through process.getBuiltinModule (Node 20.16+), never imported, so core still
// loads unchanged in edge runtimes and browsers, where these are undefined and callers use the
// Web APIs. Both paths give the same bytes (test/security/native-crypto.test.ts).

/** The few members of `node:crypto` that core uses. */
export interface NodeCrypto {
  createHash(algorithm: "sha256"): NodeDigest;
  createHmac(algorithm: "sha256", key: Uint8Array): NodeDigest;
  randomFillSync(buffer: Uint8Array): Uint8Array;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

interface NodeDigest {
  update(data: string, encoding: "utf8"): NodeDigest;
  digest(encoding: "hex" | "base64url"): string;
}

/** The few members of Node's `Buffer` that core uses. */
export interface NodeBuffer {
  from(bytes: ArrayBuffer, byteOffset: number, length: number): { toString(encoding: "base64" | "base64url"): string };
  from(text: string, encoding: "utf8"): Uint8Array;
}

type Runtime = { process?: { getBuiltinModule?: (id: string) => unknown }; Buffer?: NodeBuffer };
const runtime = globalThis as Runtime;

function builtin<T>(id: string): T | undefined {
  try {
    return runtime.process?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

export const nodeCrypto: NodeCrypto | undefined = builtin<NodeCrypto>("node:crypto");
export const nodeBuffer: NodeBuffer | undefined = typeof runtime.Buffer?.from === "function" ? runtime.Buffer : undefined;
