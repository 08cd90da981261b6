import type { JSONObject, JSONValue } from "../store/session-store";

export type ClaimValidationResult = { isValid: true } | { isValid: false; reason?: JSONValue };

/** Checks the access-token payload; getSession runs the global ones, a route may override them. */
export interface ClaimValidator {
  /** Appears in the 403 body's `claimValidationErrors[].id`. */
  id: string;
  /** The claim this validator reads, when it can refetch it. */
  claim?: SessionClaim<JSONValue>;
  /** True when the claim's value is missing or stale and must be fetched again before validating. */
  shouldRefetch?(payload: JSONObject): boolean;
  validate(payload: JSONObject): ClaimValidationResult | Promise<ClaimValidationResult>;
}

export interface ClaimFetchContext {
  userId: string;
  recipeUserId: string;
  tenantId: string;
  /** The current access-token payload (Latch's claims included). */
  accessTokenPayload: JSONObject;
}

/**
 * A value kept in the access-token payload under `key`, that the app can (re)compute with
 * `fetchValue` (roles, flags, verification state...).
 */
export abstract class SessionClaim<T extends JSONValue> {
  constructor(
    readonly key: string,
    readonly fetchValue: (context: ClaimFetchContext) => T | undefined | Promise<T | undefined>,
  ) {}

  /** Returns a copy of `payload` with the value set. */
  abstract addToPayload(payload: JSONObject, value: T, now?: number): JSONObject;
  /** Returns a copy of `payload` without the value (as a merge patch: the key set to null). */
  abstract removeFromPayload(payload: JSONObject): JSONObject;
  abstract getValueFromPayload(payload: JSONObject): T | undefined;

  /** The payload patch that sets this claim for a user, or `{}` when `fetchValue` has no value. */
  async build(context: ClaimFetchContext, now = Date.now()): Promise<JSONObject> {
    const value = await this.fetchValue(context);
    return value === undefined ? {} : this.addToPayload({}, value, now);
  }
}
