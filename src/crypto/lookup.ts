/**
 * Lookup tables keyed by untrusted input (operation, tag, enumeration and algorithm names): a
 * null-prototype copy, so `constructor`, `toString`, `__proto__`... are unknown keys like any
 * other instead of resolving to Object.prototype members.
 */
export function lookupTable<T>(entries: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, entries);
}
