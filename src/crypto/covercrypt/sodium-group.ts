/**
 * ristretto255 scalar multiplication on libsodium's Ed25519 arithmetic (through native/sodium.ts),
 * for CoverCrypt's decapsulation and key generation. See docs/covercrypt-format.md.
 *
 * libsodium has no ristretto255 binding in sodium-native, but its constant-time
 * `crypto_scalarmult_ed25519_noclamp` / `_base_noclamp` accept torsion-free Edwards points and any
 * scalar below 2^255. Points cross over as Ed25519 encodings of torsion-free representatives (see
 * field25519.ts for why 4·P is one); results come back torsion-free and are ristretto-encoded by
 * `edwardsToRistretto`. X25519 (`crypto_scalarmult`, a Montgomery ladder) serves repeated
 * multiplications of one secret point, at the price of its sign (`montgomeryMul`). libsodium
 * refuses the identity, a zero scalar and an identity result: the callers then fall back to the
 * @noble path, which is always there (and is the only path when sodium-native lacks these
 * functions or they fail the self-test below).
 */
import { sodium } from "../../../native/sodium.ts";
import { edwardsToMontgomery, edwardsToRistretto } from "./field25519.ts";
import { baseMul, L, scalarToBytes } from "./group.ts";

type Mul = (q: Uint8Array, n: Uint8Array, p: Uint8Array) => void;
type BaseMul = (q: Uint8Array, n: Uint8Array) => void;
type Add = (r: Uint8Array, p: Uint8Array, q: Uint8Array) => void;
type X25519 = (q: Uint8Array, n: Uint8Array, p: Uint8Array) => void;

const lib = sodium as unknown as Record<string, unknown>;
const fn = <T>(name: string): T | undefined => (typeof lib[name] === "function" ? (lib[name] as T) : undefined);
const nativeMul = fn<Mul>("crypto_scalarmult_ed25519_noclamp");
const nativeBaseMul = fn<BaseMul>("crypto_scalarmult_ed25519_base_noclamp");
const nativeAdd = fn<Add>("crypto_core_ed25519_add");
const nativeX25519 = fn<X25519>("crypto_scalarmult");

/** 4^-1 mod ℓ: (k·4^-1)·(4·P) represents k·P. */
export const INV4 = (3n * L + 1n) / 4n;
const INV8 = (3n * L + 1n) / 8n;
const TOP = 1n << 254n;
const LIMIT = 1n << 251n;

function selfTest(): boolean {
  if (!nativeMul || !nativeBaseMul || !nativeAdd || !nativeX25519) return false;
  try {
    // 2·B by all four routes: base mult, variable-base mult, addition, X25519 (u only)
    const one = scalarToBytes(1n),
      two = scalarToBytes(2n);
    const b = new Uint8Array(32),
      b2 = new Uint8Array(32),
      m = new Uint8Array(32),
      s = new Uint8Array(32);
    nativeBaseMul(b, one);
    nativeBaseMul(b2, two);
    nativeMul(m, two, b);
    nativeAdd(s, b, b);
    const hex = (u: Uint8Array) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");
    const u = montgomeryMul(2n, edwardsToMontgomery(b)!);
    return (
      hex(b) === "5866666666666666666666666666666666666666666666666666666666666666" &&
      hex(b2) === hex(m) &&
      hex(m) === hex(s) &&
      u !== undefined &&
      hex(u) === hex(edwardsToMontgomery(b2)!)
    );
  } catch {
    return false;
  }
}

/** Whether libsodium's Ed25519 functions are present and answer correctly. */
export const available: boolean = selfTest();
let enabled = available;

/** Whether the native path is in use. */
export function isEnabled(): boolean {
  return enabled;
}

/** Turns the native path off (or back on, if available): tests compare both paths. Returns the previous state. */
export function setEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on && available;
  return prev;
}

function withScalar<T>(k: bigint, f: (n: Uint8Array) => T): T {
  const n = scalarToBytes(((k % L) + L) % L);
  try {
    return f(n);
  } finally {
    n.fill(0);
  }
}

/** k·E for a torsion-free Ed25519 encoding E; undefined where libsodium refuses (k ≡ 0, E or k·E the identity). */
export function mulEd(k: bigint, e: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(32);
  try {
    withScalar(k, (n) => nativeMul!(out, n, e));
    return out;
  } catch {
    return undefined;
  }
}

/** k·B (B the Ed25519 base point, also ristretto255's generator); undefined for k ≡ 0. */
export function baseMulEd(k: bigint): Uint8Array | undefined {
  const out = new Uint8Array(32);
  try {
    withScalar(k, (n) => nativeBaseMul!(out, n));
    return out;
  } catch {
    return undefined;
  }
}

/** E + F; undefined on an invalid encoding. */
export function addEd(e: Uint8Array, f: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(32);
  try {
    nativeAdd!(out, e, f);
    return out;
  } catch {
    return undefined;
  }
}

/** The ristretto255 encoding of k·G: libsodium's fixed-base comb when enabled, else @noble. */
export function baseMulToBytes(k: bigint): Uint8Array {
  if (enabled) {
    const e = baseMulEd(k);
    if (e) {
      const out = edwardsToRistretto(e);
      e.fill(0);
      return out;
    }
  }
  return baseMul(((k % L) + L) % L).toBytes();
}

/**
 * u(±k·R) by X25519 (a Montgomery ladder, ~half the cost of `mulEd`, which also re-validates
 * its input), for the Montgomery coordinate u of a torsion-free R. X25519 clamps its scalar to
 * 2^254 + 8m (m < 2^251); since R has order ℓ, a scalar t ≡ ±k (mod ℓ) of that shape does the
 * job, and u cannot tell +k from −k. m ≡ (±k − 2^254)/8 mod ℓ: one of the two signs gives
 * m < 2^251 except with probability ~2^-125. Undefined when no sign fits or libsodium refuses.
 */
export function montgomeryMul(k: bigint, u: Uint8Array): Uint8Array | undefined {
  const plus = (((((k - TOP) % L) + L) % L) * INV8) % L;
  const minus = (((((-k - TOP) % L) + L) % L) * INV8) % L;
  const m = plus < LIMIT ? plus : minus;
  if (m >= LIMIT) return undefined;
  const out = new Uint8Array(32);
  const n = scalarToBytes(TOP + 8n * m); // already clamped: X25519 leaves it as is
  try {
    nativeX25519!(out, n, u);
    return out;
  } catch {
    return undefined;
  } finally {
    n.fill(0);
  }
}
