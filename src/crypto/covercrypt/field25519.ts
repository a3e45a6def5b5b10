/**
 * The few GF(2^255-19) computations that bridge ristretto255 (RFC 9496) and libsodium's Ed25519
 * encodings, on bigints. CoverCrypt's points are RFC 9496 encodings; RFC 9496
 * §4.2 (SQRT_RATIO_M1), §4.3.1 (decode), §4.3.2 (encode); RFC 8032 §5.1.2-5.1.3 (Ed25519 point
 * encoding).
 *
 * Why: libsodium multiplies Ed25519 points ~5x faster than @noble's ristretto255, but speaks only
 * Edwards encodings of prime-order points. A ristretto255 element is an Edwards point modulo the
 * 4-torsion; for a decoded representative P, 4·P is torsion-free (the even subgroup is Z/4 × Z/ℓ),
 * and (k/4 mod ℓ)·(4·P) is a representative of the element k·P. `quadrupledEdwards` makes those
 * 4·P encodings, `edwardsToRistretto` encodes the (torsion-free) results back.
 *
 * Square roots and inverse square roots go through one fixed addition chain (x^((p-5)/8)), whose
 * sequence of operations does not depend on the input; only public values use the faster
 * variable-time inversion.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { malformed } from "./errors.ts";

const Fp = ed25519.Point.Fp;
export const P = Fp.ORDER;
export const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
const INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578n;

export interface Affine {
  x: bigint;
  y: bigint;
}

export const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};
const isNeg = (a: bigint): boolean => (a & 1n) === 1n; // a in [0, P)
const abs = (a: bigint): bigint => (isNeg(a) ? P - a : a);

function pow2k(x: bigint, k: number): bigint {
  while (k-- > 0) x = (x * x) % P;
  return x;
}

/** x^((p-5)/8) = x^(2^252-3) (ref10's chain). */
function powP58(x: bigint): bigint {
  const x2 = (x * x) % P;
  const b2 = (x2 * x) % P; // 2^2-1
  const b4 = (pow2k(b2, 2) * b2) % P;
  const b5 = (pow2k(b4, 1) * x) % P;
  const b10 = (pow2k(b5, 5) * b5) % P;
  const b20 = (pow2k(b10, 10) * b10) % P;
  const b40 = (pow2k(b20, 20) * b20) % P;
  const b80 = (pow2k(b40, 40) * b40) % P;
  const b160 = (pow2k(b80, 80) * b80) % P;
  const b240 = (pow2k(b160, 80) * b80) % P;
  const b250 = (pow2k(b240, 10) * b10) % P;
  return (pow2k(b250, 2) * x) % P;
}

/** x^(p−2) = x^-1 (0 for 0), by a fixed chain: powP58(x)^8 · x^3. */
export function invert(x: bigint): bigint {
  return (pow2k(powP58(x), 3) * ((((x * x) % P) * x) % P)) % P;
}

/** RFC 9496 §4.2 SQRT_RATIO_M1(u, v): the non-negative √(u/v) (or √(i·u/v)), and whether u/v is square. */
export function sqrtRatioM1(u: bigint, v: bigint): { wasSquare: boolean; r: bigint } {
  const v3 = (((v * v) % P) * v) % P;
  const v7 = (((v3 * v3) % P) * v) % P;
  let r = (((u * v3) % P) * powP58((u * v7) % P)) % P;
  const check = (v * ((r * r) % P)) % P;
  const correct = check === u;
  const flipped = check === mod(-u);
  const flippedI = check === mod(-u * SQRT_M1);
  if (flipped || flippedI) r = (r * SQRT_M1) % P;
  return { wasSquare: correct || flipped, r: abs(r) };
}

const MASK255 = (1n << 255n) - 1n;

function fromBytesLE(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, 32);
  return (
    dv.getBigUint64(0, true) |
    (dv.getBigUint64(8, true) << 64n) |
    (dv.getBigUint64(16, true) << 128n) |
    (dv.getBigUint64(24, true) << 192n)
  );
}

function toBytesLE(x: bigint, out = new Uint8Array(32)): Uint8Array {
  const dv = new DataView(out.buffer, out.byteOffset, 32);
  const M = 0xffffffffffffffffn;
  dv.setBigUint64(0, x & M, true);
  dv.setBigUint64(8, (x >> 64n) & M, true);
  dv.setBigUint64(16, (x >> 128n) & M, true);
  dv.setBigUint64(24, x >> 192n, true);
  return out;
}

/**
 * RFC 9496 §4.3.1 decode, with every check (canonical, non-negative s, square, t non-negative,
 * y ≠ 0). Returns the affine Edwards representative the RFC defines (the one @noble builds too).
 */
export function decodeRistretto(bytes: Uint8Array): Affine {
  if (bytes.length !== 32) throw malformed("invalid ristretto255 point encoding");
  const s = fromBytesLE(bytes);
  if (s >= P || isNeg(s)) throw malformed("invalid ristretto255 point encoding");
  const ss = (s * s) % P;
  const u1 = mod(1n - ss);
  const u2 = (1n + ss) % P;
  const u2sq = (u2 * u2) % P;
  const v = mod(-((D * ((u1 * u1) % P)) % P) - u2sq);
  const { wasSquare, r: invsqrt } = sqrtRatioM1(1n, (v * u2sq) % P);
  const denX = (invsqrt * u2) % P;
  const denY = (((invsqrt * denX) % P) * v) % P;
  const x = abs((((2n * s) % P) * denX) % P);
  const y = (u1 * denY) % P;
  if (!wasSquare || isNeg((x * y) % P) || y === 0n) throw malformed("invalid ristretto255 point encoding");
  return { x, y };
}

/**
 * Ed25519 encodings of 4·P for public affine points (two doublings each in projective
 * coordinates, then one batched inversion). 4·P is the identity only when P's element is.
 */
export function quadrupledEdwards(points: Affine[]): Uint8Array[] {
  const proj = points.map(({ x, y }) => {
    let X = x,
      Y = y,
      Z = 1n;
    for (let i = 0; i < 2; i++) {
      // dbl-2008-hwcd with a = -1
      const A = (X * X) % P,
        B = (Y * Y) % P,
        C = (2n * Z * Z) % P;
      const E = mod((X + Y) * (X + Y) - A - B);
      const G = mod(B - A),
        F = mod(G - C),
        H = mod(-A - B);
      X = (E * F) % P;
      Y = (G * H) % P;
      Z = (F * G) % P;
    }
    return { X, Y, Z };
  });
  // Montgomery's batch inversion (public values: variable-time inversion is fine)
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const p of proj) {
    prefix.push(acc);
    acc = (acc * p.Z) % P;
  }
  let inv = Fp.inv(acc);
  const out: Uint8Array[] = new Array(proj.length);
  for (let i = proj.length - 1; i >= 0; i--) {
    const zi = (inv * prefix[i]) % P;
    inv = (inv * proj[i].Z) % P;
    const x = (proj[i].X * zi) % P,
      y = (proj[i].Y * zi) % P;
    const e = toBytesLE(y);
    if (isNeg(x)) e[31] |= 0x80;
    out[i] = e;
  }
  return out;
}

/**
 * RFC 9496 §4.3.2 encode of the element an extended Edwards point (X:Y:Z:T) represents.
 * Coordinates may be any bigints congruent to the right values (unreduced, negative).
 */
export function encodeExtended(X0: bigint, Y0: bigint, Z0: bigint, T0: bigint): Uint8Array {
  return encodeExtendedPair(X0, Y0, Z0, T0, false)[0];
}

/**
 * `encodeExtended` of (X : Y : Z : T) and, with `both`, of its negation (−X : Y : Z : −T), which
 * shares the inverse square root (it depends on X² only): one exponentiation for the two.
 */
function encodeExtendedPair(X0: bigint, Y0: bigint, Z0: bigint, T0: bigint, both: boolean): Uint8Array[] {
  X0 = mod(X0);
  Y0 = mod(Y0);
  Z0 = mod(Z0);
  T0 = mod(T0);
  const u1 = mod((Z0 + Y0) * (Z0 - Y0));
  const u2 = (X0 * Y0) % P;
  const { r: invsqrt } = sqrtRatioM1(1n, (u1 * ((u2 * u2) % P)) % P);
  const den1 = (invsqrt * u1) % P;
  const den2 = (invsqrt * u2) % P;
  const zInv = (((den1 * den2) % P) * T0) % P; // the same for the negation (den2 and T flip)
  const finish = (X0: bigint, T0: bigint, den2: bigint): Uint8Array => {
    let X = X0,
      Y = Y0,
      denInv = den2;
    if (isNeg((T0 * zInv) % P)) {
      X = (Y0 * SQRT_M1) % P;
      Y = (X0 * SQRT_M1) % P;
      denInv = (den1 * INVSQRT_A_MINUS_D) % P;
    }
    if (isNeg((X * zInv) % P)) Y = mod(-Y);
    return toBytesLE(abs(mod((Z0 - Y) * denInv)));
  };
  const out = [finish(X0, T0, den2)];
  if (both) out.push(finish(mod(-X0), mod(-T0), mod(-den2)));
  return out;
}

/**
 * The ristretto255 encoding of the element represented by a valid Ed25519 encoding (as libsodium
 * outputs them): recover x (RFC 8032 §5.1.3), then encode with Z = 1, T = x·y.
 */
export function edwardsToRistretto(e: Uint8Array): Uint8Array {
  const y = fromBytesLE(e) & MASK255;
  const yy = (y * y) % P;
  let { r: x } = sqrtRatioM1(mod(yy - 1n), (D * yy + 1n) % P);
  if (isNeg(x) !== ((e[31] & 0x80) !== 0)) x = mod(-x);
  return encodeExtended(x, y, 1n, (x * y) % P);
}

/**
 * The Montgomery u = (1+y)/(1−y) of a valid Ed25519 encoding (RFC 7748 §4.1's birational map),
 * for X25519; undefined for the identity (y = 1). u does not see the sign of x: ±E map to one u.
 */
export function edwardsToMontgomery(e: Uint8Array): Uint8Array | undefined {
  const y = fromBytesLE(e) & MASK255;
  const den = mod(1n - y);
  if (den === 0n) return undefined;
  return toBytesLE((((1n + y) % P) * invert(den)) % P);
}

/**
 * The ristretto255 encodings of ±R, R torsion-free with Montgomery coordinate u (an X25519
 * output, which has lost R's sign): y = (u−1)/(u+1), x = ±√(−4u / (d(u−1)² + (u+1)²)), taken in
 * projective form (X : Y : Z : T) = (x(u+1) : u−1 : u+1 : x(u−1)) so that nothing is inverted.
 * Undefined if u is not such a coordinate.
 */
export function ristrettoPairFromMontgomery(uBytes: Uint8Array): [Uint8Array, Uint8Array] | undefined {
  const u = mod(fromBytesLE(uBytes) & MASK255);
  const Y = mod(u - 1n),
    Z = (u + 1n) % P;
  if (Z === 0n) return undefined;
  const { wasSquare, r: x } = sqrtRatioM1(mod(-4n * u), (((D * Y) % P) * Y + Z * Z) % P);
  if (!wasSquare) return undefined;
  const [plus, minus] = encodeExtendedPair(x * Z, Y, Z, x * Y, true);
  return [plus, minus];
}
