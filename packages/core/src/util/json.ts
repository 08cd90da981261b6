import { InvalidInputError } from "../errors";
import type { JSONObject } from "../store/session-store";
import { utf8ByteLength } from "./encoding";

const MAX_DEPTH = 64;

/**
 * Checks that `value` is a plain JSON object that survives a JSON round trip unchanged, and at most
 * `maxBytes` when serialised; returns a fresh deep copy. Rejects what JSON would silently mangle
 * (undefined, functions, NaN, Dates, class instances), cycles, and `__proto__` keys (a prototype
 * pollution vector once merged into other objects).
 */
export function toJsonObject(value: unknown, field: string, maxBytes: number): JSONObject {
  if (!isPlainObject(value)) throw new InvalidInputError(field, "must be a plain JSON object");
  checkJsonValue(value, field, new Set(), 0);
  const text = JSON.stringify(value);
  const bytes = utf8ByteLength(text);
  if (bytes > maxBytes) {
    throw new InvalidInputError(field, `is ${bytes} bytes as JSON, over the limit of ${maxBytes}`);
  }
  return JSON.parse(text) as JSONObject;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkJsonValue(value: unknown, path: string, ancestors: Set<object>, depth: number): void {
  if (depth > MAX_DEPTH) throw new InvalidInputError(path, `is nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new InvalidInputError(path, "is not a finite number");
      return;
    case "object": {
      if (value === null) return;
      if (ancestors.has(value)) throw new InvalidInputError(path, "is circular");
      ancestors.add(value);
      if (Array.isArray(value)) {
        for (const [index, item] of value.entries()) checkJsonValue(item, `${path}[${index}]`, ancestors, depth + 1);
      } else if (isPlainObject(value)) {
        for (const key of Object.keys(value)) {
          if (key === "__proto__") throw new InvalidInputError(path, 'must not contain the key "__proto__"');
          checkJsonValue(value[key], `${path}.${key}`, ancestors, depth + 1);
        }
      } else {
        throw new InvalidInputError(path, "is not JSON (a class instance such as a Date or Map)");
      }
      ancestors.delete(value);
      return;
    }
    default:
      throw new InvalidInputError(path, `is not JSON (${typeof value})`);
  }
}
