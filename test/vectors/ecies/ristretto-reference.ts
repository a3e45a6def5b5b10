/**
 * A second, independent implementation of Cosmian crypto_core's `EciesR25519Aes128`, written from
 * the Rust source (crates/core/src/ecies/generic_ecies_aes128gcm.rs, ecies/curve_25519/r25519.rs,
 * the `kdf128!` macro in kdf.rs; crypto_core v11.0.0, identical since v8.0.0) for the known-answer
 * vectors and the interop tests. It shares no code with src/crypto/ecies/ristretto.ts:
 *
 *   group      ristretto255 written here from RFC 9496 §4.3 on plain bigint Edwards arithmetic
 *              (the production module uses @noble/curves)
 *   SHAKE128   @noble/hashes                (production: node:crypto)
 *   AES-GCM    @noble/ciphers               (production: node:crypto)
 *
 *   R = r·B, S = r·Q                         32-byte RFC 9496 encodings
 *   key   = SHAKE128(S)[0..16]               kdf128!(&mut key, &shared_point.to_vec())
 *   nonce = SHAKE128(R ‖ Q)[0..12]           kdf128!(&mut nonce, &ephemeral_pk, &recipient_pk):
 *                                            one SHAKE128 absorbing each argument in turn
 *   ct    = R ‖ AES-128-GCM(key, nonce, m, aad ?? "")   (Dem::encrypt: aad.unwrap_or(b""))
 *
 * Not constant time and slow (bigint double-and-add): test use only.
 */
import { gcm } from "@noble/ciphers/aes.js";
import { shake128 } from "@noble/hashes/sha3.js";

// ---- field GF(p), p = 2^255 - 19 ---------------------------------------------------------------

const P = 2n ** 255n - 19n;
/** Order of the prime-order group (RFC 9496 §4.1). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const mod = (a: bigint) => ((a % P) + P) % P;
function pow(b: bigint, e: bigint): bigint {
  let r = 1n;
  b = mod(b);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}
const inv = (a: bigint) => pow(a, P - 2n);
/** RFC 9496 §4.1: negative means odd (least significant bit of the canonical encoding set). */
const isNegative = (a: bigint) => (mod(a) & 1n) === 1n;
const abs = (a: bigint) => (isNegative(a) ? mod(-a) : mod(a));

const SQRT_M1 = pow(2n, (P - 1n) / 4n);
const D = mod(-121665n * inv(121666n));

/** RFC 9496 §4.2 SQRT_RATIO_M1(u, v). */
function sqrtRatioM1(u: bigint, v: bigint): { wasSquare: boolean; r: bigint } {
  u = mod(u);
  v = mod(v);
  const v3 = (v * v * v) % P;
  const v7 = (v3 * v3 * v) % P;
  let r = (((u * v3) % P) * pow(u * v7, (P - 5n) / 8n)) % P;
  const check = (((v * r) % P) * r) % P;
  const correct = check === u;
  const flipped = check === mod(-u);
  const flippedI = check === mod(-u * SQRT_M1);
  if (flipped || flippedI) r = (r * SQRT_M1) % P;
  return { wasSquare: correct || flipped, r: abs(r) };
}

const INVSQRT_A_MINUS_D = sqrtRatioM1(1n, mod(-1n - D)).r;

// ---- twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2, extended coordinates ---------------------

interface Pt {
  x: bigint;
  y: bigint;
  z: bigint;
  t: bigint;
}
const IDENTITY: Pt = { x: 0n, y: 1n, z: 1n, t: 0n };

/** Unified addition (Hisil–Wong–Carter–Dawson 2008, a = -1); also doubles. */
function add(p: Pt, q: Pt): Pt {
  const a = mod((p.y - p.x) * (q.y - q.x));
  const b = mod((p.y + p.x) * (q.y + q.x));
  const c = mod(p.t * 2n * D * q.t);
  const d = mod(p.z * 2n * q.z);
  const e = b - a,
    f = d - c,
    g = d + c,
    h = b + a;
  return { x: mod(e * f), y: mod(g * h), t: mod(e * h), z: mod(f * g) };
}

function mul(k: bigint, p: Pt): Pt {
  let r = IDENTITY;
  for (let q = p; k > 0n; k >>= 1n, q = add(q, q)) if (k & 1n) r = add(r, q);
  return r;
}

// The Ed25519 base point (RFC 8032 §5.1): y = 4/5, x even.
const BY = mod(4n * inv(5n));
const BX = (() => {
  const { r } = sqrtRatioM1(BY * BY - 1n, D * BY * BY + 1n);
  return isNegative(r) ? mod(-r) : r;
})();
const BASE: Pt = { x: BX, y: BY, z: 1n, t: mod(BX * BY) };

// ---- RFC 9496 §4.3 encoding ----------------------------------------------------------------------

function leToBigint(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}
export function bigintToLe(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** RFC 9496 §4.3.1 Decode; null for every invalid encoding. */
export function decode(bytes: Uint8Array): Pt | null {
  if (bytes.length !== 32) return null;
  const s = leToBigint(bytes);
  if (s >= P || isNegative(s)) return null;
  const ss = (s * s) % P;
  const u1 = mod(1n - ss);
  const u2 = mod(1n + ss);
  const u2sq = (u2 * u2) % P;
  const v = mod(-(((D * u1) % P) * u1) - u2sq);
  const { wasSquare, r: invsqrt } = sqrtRatioM1(1n, v * u2sq);
  const denX = (invsqrt * u2) % P;
  const denY = (((invsqrt * denX) % P) * v) % P;
  const x = abs(2n * s * denX);
  const y = (u1 * denY) % P;
  const t = (x * y) % P;
  if (!wasSquare || isNegative(t) || y === 0n) return null;
  return { x, y, z: 1n, t };
}

/** RFC 9496 §4.3.2 Encode. */
export function encode(p: Pt): Uint8Array {
  const u1 = mod((p.z + p.y) * (p.z - p.y));
  const u2 = mod(p.x * p.y);
  const { r: invsqrt } = sqrtRatioM1(1n, ((u1 * u2) % P) * u2);
  const den1 = (invsqrt * u1) % P;
  const den2 = (invsqrt * u2) % P;
  const zInv = (((den1 * den2) % P) * p.t) % P;
  const rotate = isNegative(p.t * zInv);
  const x = rotate ? mod(p.y * SQRT_M1) : p.x;
  let y = rotate ? mod(p.x * SQRT_M1) : p.y;
  const denInv = rotate ? (den1 * INVSQRT_A_MINUS_D) % P : den2;
  if (isNegative(x * zInv)) y = mod(-y);
  return bigintToLe(abs(denInv * (p.z - y)));
}

// ---- the scheme ----------------------------------------------------------------------------------

/** Reads a canonical 32-byte little-endian scalar (0 < s < ℓ), as crypto_core's from_canonical_bytes (which also allows 0). */
export function scalar(bytes: Uint8Array): bigint {
  const s = leToBigint(bytes);
  if (bytes.length !== 32 || s === 0n || s >= L) throw new Error("reference: not a canonical non-zero scalar");
  return s;
}

export const publicKeyOf = (sk: Uint8Array) => encode(mul(scalar(sk), BASE));

export function kdf(R: Uint8Array, S: Uint8Array, Q: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const nonceXof = shake128.create({ dkLen: 12 });
  nonceXof.update(R);
  nonceXof.update(Q);
  return { key: shake128(S, { dkLen: 16 }), nonce: nonceXof.digest() };
}

export interface Trace {
  R: Uint8Array;
  S: Uint8Array;
  key: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

/** Encrypts with a fixed ephemeral scalar `r` and returns the intermediates too. */
export function encryptTrace(
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralPrivateKey: Uint8Array,
  aad?: Uint8Array,
): Trace {
  const Qp = decode(recipientPublicKey);
  if (Qp === null) throw new Error("reference: invalid public key");
  const r = scalar(ephemeralPrivateKey);
  const R = encode(mul(r, BASE));
  const S = encode(mul(r, Qp));
  const { key, nonce } = kdf(R, S, recipientPublicKey);
  const body = gcm(key, nonce, aad ?? new Uint8Array(0)).encrypt(plaintext);
  const ciphertext = new Uint8Array(32 + body.length);
  ciphertext.set(R);
  ciphertext.set(body, 32);
  return { R, S, key, nonce, ciphertext };
}

export function encrypt(
  plaintext: Uint8Array,
  recipientPublicKey: Uint8Array,
  ephemeralPrivateKey: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  return encryptTrace(plaintext, recipientPublicKey, ephemeralPrivateKey, aad).ciphertext;
}

/** Decrypts R ‖ ct ‖ tag; throws on any failure. */
export function decrypt(ciphertext: Uint8Array, recipientPrivateKey: Uint8Array, aad?: Uint8Array): Uint8Array {
  if (ciphertext.length < 48) throw new Error("reference: ciphertext shorter than R + tag");
  const sk = scalar(recipientPrivateKey);
  const Rbytes = ciphertext.subarray(0, 32);
  const Rp = decode(Rbytes);
  if (Rp === null) throw new Error("reference: invalid ephemeral point");
  const S = encode(mul(sk, Rp));
  const { key, nonce } = kdf(Rbytes, S, encode(mul(sk, BASE)));
  return gcm(key, nonce, aad ?? new Uint8Array(0)).decrypt(ciphertext.subarray(32));
}
