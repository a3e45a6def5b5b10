/**
 * Tests that need a capability of Node's OpenSSL that Bun's node:crypto lacks (some cipher modes).
 * Under Bun they are skipped with one printed line saying where they run: `npm run test:node`
 * (the unit tests under Node), which .ci/run runs. Under Node they always run, so a missing
 * capability there is a failure, not a skip.
 */
export const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** True when the caller should skip (under Bun); prints the skip line once per call. */
export function skipUnderBun(what: string): boolean {
  if (isBun)
    console.log(`skip: ${what}: Bun's node:crypto lacks it; it runs under Node (npm run test:node, part of .ci/run)`);
  return isBun;
}
