import type { JSONObject, JSONPrimitive } from "../store/session-store";
import { type ClaimFetchContext, type ClaimValidationResult, type ClaimValidator, SessionClaim } from "./claim";

interface StoredPrimitive {
  v: JSONPrimitive;
  /** When the value was fetched, ms since epoch: validators with maxAgeInSeconds refetch after it. */
  t: number;
}

function isStored(value: unknown): value is StoredPrimitive {
  return typeof value === "object" && value !== null && "v" in value && typeof (value as { t?: unknown }).t === "number";
}

/** A claim holding one JSON primitive, stored as `{ v: value, t: fetchedAt }` (SuperTokens' shape). */
export class PrimitiveClaim<T extends JSONPrimitive> extends SessionClaim<T> {
  constructor(options: { key: string; fetchValue: (context: ClaimFetchContext) => T | undefined | Promise<T | undefined> }) {
    super(options.key, options.fetchValue);
  }

  addToPayload(payload: JSONObject, value: T, now = Date.now()): JSONObject {
    return { ...payload, [this.key]: { v: value, t: now } };
  }

  removeFromPayload(payload: JSONObject): JSONObject {
    return { ...payload, [this.key]: null };
  }

  getValueFromPayload(payload: JSONObject): T | undefined {
    const stored = payload[this.key];
    return isStored(stored) ? (stored.v as T) : undefined;
  }

  getLastRefetchTime(payload: JSONObject): number | undefined {
    const stored = payload[this.key];
    return isStored(stored) ? stored.t : undefined;
  }

  readonly validators = {
    /** Valid when the value equals `expected` (and, with maxAgeInSeconds, was fetched recently enough). */
    hasValue: (expected: T, maxAgeInSeconds?: number, id?: string): ClaimValidator => ({
      id: id ?? this.key,
      claim: this,
      shouldRefetch: (payload) => this.#isMissingOrStale(payload, maxAgeInSeconds),
      validate: (payload): ClaimValidationResult => {
        const actual = this.getValueFromPayload(payload);
        if (actual === undefined)
          return { isValid: false, reason: { message: "value does not exist", expectedValue: expected, actualValue: null } };
        if (this.#isMissingOrStale(payload, maxAgeInSeconds)) {
          return { isValid: false, reason: { message: "expired", maxAgeInSeconds: maxAgeInSeconds ?? null } };
        }
        if (actual !== expected)
          return { isValid: false, reason: { message: "wrong value", expectedValue: expected, actualValue: actual } };
        return { isValid: true };
      },
    }),
  };

  #isMissingOrStale(payload: JSONObject, maxAgeInSeconds: number | undefined): boolean {
    const fetchedAt = this.getLastRefetchTime(payload);
    if (fetchedAt === undefined) return true;
    return maxAgeInSeconds !== undefined && fetchedAt < Date.now() - maxAgeInSeconds * 1000;
  }
}

export class BooleanClaim extends PrimitiveClaim<boolean> {
  readonly isTrue = (maxAgeInSeconds?: number, id?: string): ClaimValidator => this.validators.hasValue(true, maxAgeInSeconds, id);
  readonly isFalse = (maxAgeInSeconds?: number, id?: string): ClaimValidator => this.validators.hasValue(false, maxAgeInSeconds, id);
}
