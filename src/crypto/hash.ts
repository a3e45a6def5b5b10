/**
 * Hash functions by name for the KMIP Hash operation and for HMAC/KDF (checked
 * against the Cosmian KAT corpus kat/hash): SHA-1, SHA-2 (224/256/384/512, 512/224, 512/256), SHA3-224..512,
 * SHAKE128/256 (FIPS 180-4, FIPS 202). One-shot, no streaming.
 *
 * Backend: node:crypto (native; measured 6-12x faster than @noble/hashes under Bun, see report),
 * with @noble/hashes as a per-algorithm fallback for a runtime whose node:crypto lacks one.
 */
import { lookupTable } from "./lookup.ts";
import { createHash } from "node:crypto";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha224, sha256, sha384, sha512, sha512_224, sha512_256 } from "@noble/hashes/sha2.js";
import { sha3_224, sha3_256, sha3_384, sha3_512, shake128, shake256 } from "@noble/hashes/sha3.js";
import { asBytes, assertBytes } from "./cipher-errors.ts";

export type HashName =
  | "SHA-1"
  | "SHA-224"
  | "SHA-256"
  | "SHA-384"
  | "SHA-512"
  | "SHA-512/224"
  | "SHA-512/256"
  | "SHA3-224"
  | "SHA3-256"
  | "SHA3-384"
  | "SHA3-512"
  | "SHAKE128"
  | "SHAKE256";

interface Spec {
  native: string;
  /** Digest length in bytes; for SHAKE, the default output length (security-equivalent). */
  outputLength: number;
  /** HMAC block length in bytes (undefined for the XOFs, which have no HMAC). */
  blockLength?: number;
  noble: (data: Uint8Array, outputLength: number) => Uint8Array;
  xof?: true;
}

const SPECS: Record<HashName, Spec> = {
  "SHA-1": { native: "sha1", outputLength: 20, blockLength: 64, noble: (d) => sha1(d) },
  "SHA-224": { native: "sha224", outputLength: 28, blockLength: 64, noble: (d) => sha224(d) },
  "SHA-256": { native: "sha256", outputLength: 32, blockLength: 64, noble: (d) => sha256(d) },
  "SHA-384": { native: "sha384", outputLength: 48, blockLength: 128, noble: (d) => sha384(d) },
  "SHA-512": { native: "sha512", outputLength: 64, blockLength: 128, noble: (d) => sha512(d) },
  "SHA-512/224": { native: "sha512-224", outputLength: 28, blockLength: 128, noble: (d) => sha512_224(d) },
  "SHA-512/256": { native: "sha512-256", outputLength: 32, blockLength: 128, noble: (d) => sha512_256(d) },
  "SHA3-224": { native: "sha3-224", outputLength: 28, blockLength: 144, noble: (d) => sha3_224(d) },
  "SHA3-256": { native: "sha3-256", outputLength: 32, blockLength: 136, noble: (d) => sha3_256(d) },
  "SHA3-384": { native: "sha3-384", outputLength: 48, blockLength: 104, noble: (d) => sha3_384(d) },
  "SHA3-512": { native: "sha3-512", outputLength: 64, blockLength: 72, noble: (d) => sha3_512(d) },
  SHAKE128: { native: "shake128", outputLength: 32, noble: (d, n) => shake128(d, { dkLen: n }), xof: true },
  SHAKE256: { native: "shake256", outputLength: 64, noble: (d, n) => shake256(d, { dkLen: n }), xof: true },
};

export const hashNames = Object.keys(SPECS) as HashName[];

/** The fixed-output hashes, as @noble/hashes objects (what HMAC and PBKDF2 take). */
const NOBLE_HMAC_HASHES = {
  "SHA-1": sha1,
  "SHA-224": sha224,
  "SHA-256": sha256,
  "SHA-384": sha384,
  "SHA-512": sha512,
  "SHA-512/224": sha512_224,
  "SHA-512/256": sha512_256,
  "SHA3-224": sha3_224,
  "SHA3-256": sha3_256,
  "SHA3-384": sha3_384,
  "SHA3-512": sha3_512,
} as const;
export type HmacHash = (typeof NOBLE_HMAC_HASHES)[keyof typeof NOBLE_HMAC_HASHES];

/**
 * A hash usable inside HMAC / PBKDF2 / HKDF: its node:crypto name and its @noble/hashes object.
 * Throws RangeError (naming `what`) for the XOFs and unknown names.
 */
export function hmacHash(name: HashName, what: string): { native: string; noble: HmacHash } {
  const noble = (NOBLE_HMAC_HASHES as Partial<Record<string, HmacHash>>)[name];
  if (noble === undefined) throw new RangeError(`${what}: unsupported hash algorithm ${String(name)}`);
  return { native: SPECS[name].native, noble };
}

/** KMIP HashingAlgorithm enumeration names (as in Cosmian JSON TTLV) → our names. */
const KMIP_NAMES: Record<string, HashName> = lookupTable({
  SHA1: "SHA-1",
  SHA224: "SHA-224",
  SHA256: "SHA-256",
  SHA384: "SHA-384",
  SHA512: "SHA-512",
  SHA512224: "SHA-512/224",
  SHA512256: "SHA-512/256",
  SHA3224: "SHA3-224",
  SHA3256: "SHA3-256",
  SHA3384: "SHA3-384",
  SHA3512: "SHA3-512",
});

/** Maps a KMIP HashingAlgorithm name (e.g. "SHA3256") to a HashName, or undefined if unsupported (MD5, RIPEMD160…). */
export function fromKmipName(name: string): HashName | undefined {
  return KMIP_NAMES[name];
}

function spec(name: HashName): Spec {
  const s = SPECS[name];
  if (s === undefined) throw new RangeError(`unsupported hash algorithm ${String(name)}`);
  return s;
}

/** Digest length in bytes (for SHAKE: the default output length). */
export function outputLength(name: HashName): number {
  return spec(name).outputLength;
}

/** HMAC block length in bytes; throws RangeError for SHAKE (no HMAC over an XOF). */
export function blockLength(name: HashName): number {
  const s = spec(name);
  if (s.blockLength === undefined) throw new RangeError(`${name} has no HMAC construction`);
  return s.blockLength;
}

/** Whether node:crypto of this runtime implements the algorithm; probed once per algorithm. */
const nativeOk = new Map<HashName, boolean>();
export function hasNative(name: HashName): boolean {
  let ok = nativeOk.get(name);
  if (ok === undefined) {
    const s = spec(name);
    try {
      createHash(s.native, s.xof ? { outputLength: s.outputLength } : undefined)
        .update(new Uint8Array(0))
        .digest();
      ok = true;
    } catch {
      ok = false;
    }
    nativeOk.set(name, ok);
  }
  return ok;
}

/**
 * Hashes `data`. `length` (bytes) is only for SHAKE128/256 (default 32/64); for the fixed-length
 * hashes it must be absent or equal to the digest length.
 */
export function digest(name: HashName, data: Uint8Array, length?: number): Uint8Array {
  const s = spec(name);
  assertBytes(data, "hash input");
  const n = checkLength(name, s, length);
  if (!hasNative(name)) return s.noble(data, n);
  const h = createHash(s.native, s.xof ? { outputLength: n } : undefined);
  return asBytes(h.update(data).digest());
}

/** Same as digest, always through @noble/hashes (the fallback path; exported so it is tested). */
export function nobleDigest(name: HashName, data: Uint8Array, length?: number): Uint8Array {
  const s = spec(name);
  assertBytes(data, "hash input");
  return s.noble(data, checkLength(name, s, length));
}

function checkLength(name: HashName, s: Spec, length: number | undefined): number {
  if (length === undefined) return s.outputLength;
  if (!Number.isSafeInteger(length) || length < 1) throw new RangeError(`${name}: invalid output length ${length}`);
  if (!s.xof && length !== s.outputLength)
    throw new RangeError(`${name}: output length is fixed at ${s.outputLength} bytes`);
  return length;
}
