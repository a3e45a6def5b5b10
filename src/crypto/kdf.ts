/**
 * Key derivation for the KMIP DeriveKey operation (Cosmian methods PBKDF2 and HKDF, KAT corpus
 * kat/derive_key): PBKDF2 with HMAC (RFC 8018 §5.2) through node:crypto pbkdf2Sync, and HKDF
 * (RFC 5869) extract/expand on mac.ts HMAC, for every hash of hash.ts that has an HMAC.
 */
import { pbkdf2Sync } from "node:crypto";
import { pbkdf2 as noblePbkdf2 } from "@noble/hashes/pbkdf2.js";
import { asBytes, assertBytes } from "./cipher-errors.ts";
import { hasNative, hmacHash, outputLength, type HashName } from "./hash.ts";
import * as mac from "./mac.ts";
import { wipe } from "./bytes.ts";

export type { HashName } from "./hash.ts";

/** Caps a derivation at 1 MiB: far above any key, and keeps a bad request from exhausting memory. */
export const MAX_OUTPUT_LENGTH = 1 << 20;
/** Caps PBKDF2 work (one request runs synchronously on the event loop). */
export const MAX_ITERATIONS = 10_000_000;

function checkHash(name: HashName, what: string): string {
  return hmacHash(name, what).native;
}

function checkLength(length: number, what: string, max = MAX_OUTPUT_LENGTH): void {
  if (!Number.isSafeInteger(length) || length < 1 || length > max) {
    throw new RangeError(`${what}: invalid output length ${length} (expected 1..${max} bytes)`);
  }
}

function checkPbkdf2(
  hash: HashName,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): string {
  const native = checkHash(hash, "PBKDF2");
  assertBytes(password, "PBKDF2 password");
  assertBytes(salt, "PBKDF2 salt");
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`PBKDF2: invalid iteration count ${iterations} (expected 1..${MAX_ITERATIONS})`);
  }
  checkLength(length, "PBKDF2");
  return native;
}

/** PBKDF2-HMAC-`hash`(password, salt, iterations) → `length` bytes. */
export function pbkdf2(
  hash: HashName,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  const native = checkPbkdf2(hash, password, salt, iterations, length);
  if (!hasNative(hash))
    return noblePbkdf2(hmacHash(hash, "PBKDF2").noble, password, salt, { c: iterations, dkLen: length });
  return asBytes(pbkdf2Sync(password, salt, iterations, length, native));
}

/** HKDF-Extract(salt, IKM) = HMAC(salt, IKM); an empty salt means HashLen zero bytes (RFC 5869 §2.2). */
export function hkdfExtract(hash: HashName, ikm: Uint8Array, salt?: Uint8Array): Uint8Array {
  checkHash(hash, "HKDF");
  assertBytes(ikm, "HKDF input keying material");
  const s = salt !== undefined && salt.length > 0 ? salt : new Uint8Array(outputLength(hash));
  return mac.compute(hash, s, ikm);
}

/** HKDF-Expand(PRK, info, L), L <= 255 * HashLen (RFC 5869 §2.3). */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array | undefined, length: number): Uint8Array {
  checkHash(hash, "HKDF");
  assertBytes(prk, "HKDF pseudorandom key");
  const hashLen = outputLength(hash);
  checkLength(length, "HKDF", 255 * hashLen);
  const inf = info ?? new Uint8Array(0);
  const out = new Uint8Array(length);
  const input = new Uint8Array(hashLen + inf.length + 1);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++, offset += hashLen) {
    // T(i) = HMAC(PRK, T(i-1) || info || i)
    input.set(t, 0);
    input.set(inf, t.length);
    input[t.length + inf.length] = i;
    const next = mac.compute(hash, prk, input.subarray(0, t.length + inf.length + 1));
    wipe(t);
    t = next;
    out.set(t.subarray(0, Math.min(hashLen, length - offset)), offset);
  }
  wipe(t, input);
  return out;
}

/** HKDF(IKM, salt, info, L) = Expand(Extract(salt, IKM), info, L). */
export function hkdf(
  hash: HashName,
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const prk = hkdfExtract(hash, ikm, salt);
  try {
    return hkdfExpand(hash, prk, info, length);
  } finally {
    wipe(prk);
  }
}
