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

/** Accepted only when `T` is a JSON primitive; otherwise `fetchValue` is `never`, which names the mistake. */
type OnlyPrimitive<T> = [T] extends [JSONPrimitive] ? unknown : { fetchValue: never };

/**
 * A claim holding one JSON primitive, stored as `{ v: value, t: fetchedAt }` (SuperTokens' shape).
 * `T` is constrained to `{} | null` (not to `JSONPrimitive`) so that TypeScript widens an inferred
 * literal: `new PrimitiveClaim({ key, fetchValue: () => "user" })` is a claim of `string`, and
 * `validators.hasValue("admin")` type-checks. `OnlyPrimitive` keeps objects and arrays out.
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` (unlike `JSONPrimitive`) lets an inferred literal widen; OnlyPrimitive admits primitives only.
export class PrimitiveClaim<T extends {} | null> extends SessionClaim<T & JSONPrimitive> {
  constructor(
    options: { key: string; fetchValue: (context: ClaimFetchContext) => T | undefined | Promise<T | undefined> } & OnlyPrimitive<T>,
  ) {
    super(options.key, options.fetchValue as SessionClaim<T & JSONPrimitive>["fetchValue"]);
  }

  addToPayload(payload: JSONObject, value: T & JSONPrimitive, now = Date.now()): JSONObject {
    return { ...payload, [this.key]: { v: value, t: now } };
  }

  removeFromPayload(payload: JSONObject): JSONObject {
    return { ...payload, [this.key]: null };
  }

  getValueFromPayload(payload: JSONObject): (T & JSONPrimitive) | undefined {
    const stored = payload[this.key];
    return isStored(stored) ? (stored.v as T & JSONPrimitive) : undefined;
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
