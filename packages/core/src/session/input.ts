import type { NormalisedConfig } from "../config";
import { InvalidInputError } from "../errors";
import type { JSONObject } from "../store/session-store";
import { PROTECTED_CLAIMS } from "../tokens/access-token";
import { toJsonObject } from "../util/json";

const MAX_USER_ID_LENGTH = 512;
// C0 controls and DEL: they end up in headers (front-token), logs and queries.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function checkUserId(userId: unknown, field = "userId"): string {
  if (typeof userId !== "string") throw new InvalidInputError(field, `must be a string, not ${userId === null ? "null" : typeof userId}`);
  if (userId.length === 0) throw new InvalidInputError(field, "must not be empty");
  if (userId.length > MAX_USER_ID_LENGTH) throw new InvalidInputError(field, `must be at most ${MAX_USER_ID_LENGTH} characters`);
  if (CONTROL_CHARACTERS.test(userId)) throw new InvalidInputError(field, "must not contain control characters");
  return userId;
}

export function checkTenantId(tenantId: unknown): string {
  if (typeof tenantId !== "string" || !TENANT_ID.test(tenantId)) {
    throw new InvalidInputError("tenantId", "must be 1 to 64 letters, digits, '-' or '_'");
  }
  return tenantId;
}

/** The app's access-token payload: plain JSON, within the size limit, no claim Latch owns. */
export function checkAccessTokenPayload(payload: unknown, config: NormalisedConfig): JSONObject {
  const checked = toJsonObject(payload ?? {}, "accessTokenPayload", config.maxAccessTokenPayloadBytes);
  const reserved = PROTECTED_CLAIMS.filter((claim) => Object.hasOwn(checked, claim));
  if (reserved.length > 0) {
    throw new InvalidInputError("accessTokenPayload", `must not set the protected claims ${reserved.join(", ")}`);
  }
  return checked;
}

export function checkSessionData(data: unknown, config: NormalisedConfig): JSONObject {
  return toJsonObject(data ?? {}, "sessionDataInDatabase", config.maxSessionDataBytes);
}

export function checkSessionHandle(handle: unknown): string {
  if (typeof handle !== "string" || handle.length === 0 || handle.length > 128) {
    throw new InvalidInputError("sessionHandle", "must be a non-empty string");
  }
  return handle;
}

/** The app's part of a full payload: everything but Latch's claims. */
export function userPartOf(payload: JSONObject): JSONObject {
  const user: JSONObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key !== "__proto__" && !(PROTECTED_CLAIMS as readonly string[]).includes(key)) user[key] = value;
  }
  return user;
}

/** Applies a merge patch to the app's payload: keys set to null are removed. */
export function mergePayload(current: JSONObject, patch: JSONObject): JSONObject {
  const merged: JSONObject = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
