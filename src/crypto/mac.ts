/**
 * HMAC (RFC 2104 / FIPS 198-1) over the hashes of hash.ts, for the KMIP MAC / MACVerify operations
 * (Cosmian algorithms HMACSHA1/224/256/384/512 and HMACSHA3224..512; KAT corpus kat/mac) and for
 * HKDF. node:crypto createHmac, with @noble/hashes hmac as the fallback of hash.ts.
 */
import { createHmac } from "node:crypto";
import { hmac } from "@noble/hashes/hmac.js";
import { asBytes, assertBytes } from "./cipher-errors.ts";
import { hasNative, hmacHash, outputLength, type HashName } from "./hash.ts";
import { equalBytes } from "./bytes.ts";

export type { HashName } from "./hash.ts";

function check(name: HashName, key: Uint8Array, data: Uint8Array): string {
  const { native } = hmacHash(name, "HMAC");
  assertBytes(key, "HMAC key");
  assertBytes(data, "HMAC data");
  return native;
}

/** HMAC-`name`(key, data), full length (the caller truncates if a protocol asks for it). */
export function compute(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  const native = check(name, key, data);
  if (!hasNative(name)) return nobleCompute(name, key, data);
  return asBytes(createHmac(native, key).update(data).digest());
}

/** Same as compute, always through @noble/hashes (the fallback path; exported so it is tested). */
export function nobleCompute(name: HashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  check(name, key, data);
  return hmac(hmacHash(name, "HMAC").noble, key, data);
}

/**
 * Verifies a MAC in constant time. A `mac` shorter than the full output is compared with the
 * same-length prefix (truncated HMAC, RFC 2104 §5): at least 10 bytes and half the output, with
 * 16 bytes always enough (RFC 4231 test case 5 truncates every SHA-2 HMAC to 128 bits).
 */
export function verify(name: HashName, key: Uint8Array, data: Uint8Array, mac: Uint8Array): boolean {
  assertBytes(mac, "HMAC value");
  const full = compute(name, key, data);
  const min = minimumLength(name);
  if (mac.length > full.length || mac.length < min) return false;
  return equalBytes(full.subarray(0, mac.length), mac);
}

/** Shortest truncated MAC that verify() accepts: max(10, min(16, L/2)) bytes. */
export function minimumLength(name: HashName): number {
  return Math.max(10, Math.min(16, Math.ceil(outputLength(name) / 2)));
}
