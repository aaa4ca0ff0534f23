/** A config document or patch that does not fit the config schema. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type JsonObject = Record<string, unknown>;

export function describeValue(value: unknown): string {
  if (value === undefined) {
    return "nothing";
  }
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ConfigError(`${path}: expected ${expected}, got ${describeValue(value)}`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads an object and rejects keys other than `allowed`, so a typo does not pass silently. */
export function readObject(value: unknown, path: string, allowed: readonly string[]): JsonObject {
  if (!isObject(value)) {
    fail(path, "an object", value);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${path}.${key}: unknown key; allowed keys: ${allowed.join(", ")}`);
    }
  }
  return value;
}

export function readString(value: unknown, path: string, pattern?: RegExp, hint?: string): string {
  if (typeof value !== "string" || value === "") {
    fail(path, "a non-empty string", value);
  }
  if (pattern !== undefined && !pattern.test(value)) {
    fail(path, hint ?? `a string matching ${pattern}`, value);
  }
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") {
    fail(path, "true or false", value);
  }
  return value;
}

export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(path, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function readNumber(value: unknown, path: string, minExclusive: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= minExclusive || value > max) {
    fail(path, `a number above ${minExclusive} and at most ${max}`, value);
  }
  return value;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    fail(path, "an array", value);
  }
  return value;
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(path, `one of ${allowed.join(", ")}`, value);
  }
  return value as T;
}

/**
 * Merges a patch into a document: objects merge key by key, everything else (arrays
 * included) replaces the current value.
 */
export function mergePatch(current: unknown, patch: unknown): unknown {
  if (!isObject(current) || !isObject(patch)) {
    return patch;
  }
  const merged: JsonObject = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = mergePatch(current[key], value);
  }
  return merged;
}
