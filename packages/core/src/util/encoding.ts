// Byte/string codecs on Web APIs, so core runs in Node, edge runtimes and browsers alike; where
// Node's Buffer exists, base64 goes through it (the front token is about 1 KB: the portable
// String.fromCharCode path was 8% of a login's CPU).
import { type NodeBuffer, nodeBuffer } from "./native";

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export function utf8Bytes(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Decodes UTF-8, throwing on invalid sequences (a fatal decoder never guesses). */
export function utf8Text(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

export function utf8ByteLength(text: string): number {
  return utf8Encoder.encode(text).byteLength;
}

function bytesToBinaryString(bytes: Uint8Array): string {
  let binary = "";
  // Chunked so that very long inputs never exceed the argument limit of String.fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return binary;
}

/** Standard base64 (with padding), as the front-token header uses. */
export function base64Encode(bytes: Uint8Array): string {
  return nodeBuffer ? nodeBase64(nodeBuffer, bytes, "base64") : webBase64Encode(bytes);
}

/** Buffer's codec over the same bytes (a view, no copy). */
function nodeBase64(buffer: NodeBuffer, bytes: Uint8Array, encoding: "base64" | "base64url"): string {
  return buffer.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}

/** @internal The portable path; exported to test it against Buffer's. */
export function webBase64Encode(bytes: Uint8Array): string {
  return btoa(bytesToBinaryString(bytes));
}

export function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64UrlEncode(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBase64(nodeBuffer, bytes, "base64url");
  return webBase64Encode(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes unpadded base64url; throws on any character outside the alphabet. */
export function base64UrlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new TypeError("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return base64Decode(padded);
}

export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
