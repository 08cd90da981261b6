/** The decoded `front-token` header: standard base64 of JSON `{uid, ate, up}` (docs/protocol.md). */
export interface FrontToken {
  /** The user id. */
  uid: string;
  /** When the access token expires, in milliseconds since the epoch. */
  ate: number;
  /** The whole access-token payload (protected claims included: `sessionHandle`, `iat`, `exp`, ...). */
  up: AccessTokenPayload;
}

/** A JSON object: the access-token payload as the server sent it. */
export type AccessTokenPayload = { [key: string]: JSONValue };
export type JSONValue = string | number | boolean | null | JSONValue[] | { [key: string]: JSONValue };

/** Decodes a front token; undefined when it is not one (never throws on server input). */
export function decodeFrontToken(value: string): FrontToken | undefined {
  try {
    const binary = atob(value);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (!isObject(parsed) || typeof parsed.uid !== "string" || typeof parsed.ate !== "number" || !isObject(parsed.up)) return undefined;
    return { uid: parsed.uid, ate: parsed.ate, up: parsed.up as AccessTokenPayload };
  } catch {
    return undefined;
  }
}

/** The session a front token belongs to: its handle, or the user id for a server that omits it. */
export function sessionIdentity(token: FrontToken | undefined): string | undefined {
  if (!token) return undefined;
  const handle = token.up.sessionHandle;
  return typeof handle === "string" ? handle : `user:${token.uid}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
