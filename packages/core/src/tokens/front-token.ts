import type { JSONObject } from "../store/session-store";
import { base64Decode, base64Encode, utf8Bytes, utf8Text } from "../util/encoding";

/** What the browser reads from the `front-token` header. */
export interface FrontTokenInfo {
  /** userId */
  uid: string;
  /** access-token expiry, ms since epoch */
  ate: number;
  /** the whole access-token payload (the SDK reads clock skew from `up.iat`) */
  up: JSONObject;
}

/** Standard base64 (not base64url) of the UTF-8 JSON, as the SuperTokens SDKs decode it. */
export function encodeFrontToken(info: FrontTokenInfo): string {
  return base64Encode(utf8Bytes(JSON.stringify(info)));
}

/** Inverse of encodeFrontToken; undefined for anything that is not a front token. */
export function decodeFrontToken(value: string): FrontTokenInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(utf8Text(base64Decode(value)));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const info = parsed as Partial<FrontTokenInfo>;
    if (typeof info.uid !== "string" || typeof info.ate !== "number" || typeof info.up !== "object" || info.up === null) {
      return undefined;
    }
    return { uid: info.uid, ate: info.ate, up: info.up };
  } catch {
    return undefined;
  }
}

/** The front token of an access-token payload: the user, the expiry in ms, and the whole payload. */
export function frontTokenForPayload(payload: JSONObject & { sub: string; exp: number }): string {
  return encodeFrontToken({ uid: payload.sub, ate: payload.exp * 1000, up: payload });
}
