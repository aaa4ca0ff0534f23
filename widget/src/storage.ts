type StorageName = 'localStorage' | 'sessionStorage';

/**
 * Reads a JSON value: null when the key is missing, undefined when the storage is blocked (merely
 * reading `window.localStorage` throws a SecurityError then) or the entry is corrupt.
 */
export function readJson(storage: StorageName, key: string): unknown {
  try {
    return JSON.parse(window[storage].getItem(key)!);
  } catch {
    return undefined;
  }
}

/** Writes a JSON value, or removes the key for undefined. A full or blocked storage is ignored. */
export function writeJson(storage: StorageName, key: string, value: unknown): void {
  try {
    if (value === undefined) window[storage].removeItem(key);
    else window[storage].setItem(key, JSON.stringify(value));
  } catch {
    // The widget keeps working without persistence.
  }
}
