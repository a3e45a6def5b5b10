/**
 * The door to the ristretto255 addon (native/ristretto/ristretto.c over libsodium's
 * crypto_scalarmult_ristretto255 and crypto_core_ristretto255_*): constant-time scalar
 * multiplication of RFC 9496 encodings with scalar products computed natively, so secret scalars
 * stay in wipeable bytes; plus KMACXOF256 (NIST SP 800-185) from OpenSSL's libcrypto, which
 * CoverCrypt user keys carry as a MAC. `ristretto` is undefined where the addon is not built or does not load;
 * callers keep their TypeScript path for that case.
 *
 * The group functions take 32-byte Uint8Arrays; the first receives the result. Each returns false where
 * libsodium refuses (an invalid encoding, an identity result, zero to invert) and then leaves its
 * output unspecified.
 */
import { loadAddon } from "./ristretto/load.ts";

export interface Ristretto {
  /** q = n·p */
  scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): boolean;
  /** q = n·G */
  scalarmultBase(q: Uint8Array, n: Uint8Array): boolean;
  /** r = p + q */
  add(r: Uint8Array, p: Uint8Array, q: Uint8Array): boolean;
  /** r = (x·a)·p + (x·b)·q */
  mulSum(r: Uint8Array, x: Uint8Array, a: Uint8Array, p: Uint8Array, b: Uint8Array, q: Uint8Array): boolean;
  /** r = (x·y)·p */
  mulScaled(r: Uint8Array, x: Uint8Array, y: Uint8Array, p: Uint8Array): boolean;
  /** r = 1/s mod ℓ */
  scalarInvert(r: Uint8Array, s: Uint8Array): boolean;
  /** b = (s − a·s1)·s2inv mod ℓ */
  splitSecret(b: Uint8Array, s: Uint8Array, a: Uint8Array, s1: Uint8Array, s2inv: Uint8Array): boolean;
  /** whether p is a canonical ristretto255 encoding */
  isValidPoint(p: Uint8Array): boolean;
  /** out = KMACXOF256(key, parts[0] ‖ parts[1] ‖ …, out.length, customization) */
  kmacXof256(out: Uint8Array, key: Uint8Array, customization: Uint8Array, parts: Uint8Array[]): boolean;
  /** out = KMACXOF256(key, data[o₀, o₀+n₀) ‖ data[o₁, o₁+n₁) ‖ …, out.length, customization), spans = [o₀, n₀, o₁, n₁, …] */
  kmacXof256Spans(
    out: Uint8Array,
    key: Uint8Array,
    customization: Uint8Array,
    data: Uint8Array,
    spans: Uint32Array,
  ): boolean;
  /** r = wide mod ℓ, for a 64-byte little-endian `wide` */
  scalarReduce(r: Uint8Array, wide: Uint8Array): boolean;
}

const NAMES = [
  "scalarmult",
  "scalarmultBase",
  "add",
  "mulSum",
  "mulScaled",
  "scalarInvert",
  "splitSecret",
  "isValidPoint",
  "kmacXof256",
  "kmacXof256Spans",
  "scalarReduce",
];

function load(): Ristretto | undefined {
  try {
    const m = loadAddon() as Record<string, unknown> | null;
    if (m && NAMES.every((n) => typeof m[n] === "function")) return m as unknown as Ristretto;
  } catch {
    // not built, or libsodium.so.23 missing on this host
  }
  return undefined;
}

export const ristretto: Ristretto | undefined = load();
