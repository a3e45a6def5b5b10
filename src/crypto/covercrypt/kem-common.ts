/**
 * What CoverCrypt v14's encapsulation and decapsulation share (core/primitives.rs): the
 * `Encapsulation` shape, the (tag ‖ K) derivation, the SHAKE256 masks, and the decoded ciphertext
 * points. Format: docs/covercrypt-format.md, "Ciphertext".
 */
import { decodeRistretto, type Affine } from "./field25519.ts";
import { shake256 } from "./shake.ts";

export { shake256 } from "./shake.ts";

export const TAG_LENGTH = 16;
export const SYMMETRIC_KEY_LENGTH = 32;
const KEY_GEN_INFO = new TextEncoder().encode("key generation info");

/** One per targeted partition: the masked seed (classic) or its Kyber encryption (hybrid). */
export type KeyEncapsulation = { hybrid: false; e: Uint8Array } | { hybrid: true; ciphertext: Uint8Array };

export interface Encapsulation {
  c1: Uint8Array;
  c2: Uint8Array;
  tag: Uint8Array;
  encs: KeyEncapsulation[];
}

/** (tag ‖ K) = SHAKE256(seed ‖ "key generation info", 48). */
export function tagAndKey(seed: Uint8Array): { tag: Uint8Array; key: Uint8Array } {
  const input = new Uint8Array(seed.length + KEY_GEN_INFO.length);
  input.set(seed);
  input.set(KEY_GEN_INFO, seed.length);
  const out = shake256(input, TAG_LENGTH + SYMMETRIC_KEY_LENGTH);
  input.fill(0);
  const res = { tag: out.slice(0, TAG_LENGTH), key: out.slice(TAG_LENGTH) };
  out.fill(0);
  return res;
}

export const xor32 = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = a[i] ^ b[i];
  return out;
};

// Ciphertext points validated by readEncapsulation, so that decapsulation does not decode twice.
const decoded = new WeakMap<Uint8Array, Affine>();

/** Decodes (and validates) a ciphertext point, remembering the result for `ciphertextPoint`. */
export function decodeCiphertextPoint(b: Uint8Array): Affine {
  const p = decodeRistretto(b);
  decoded.set(b, p);
  return p;
}

/** The affine representative of a ciphertext point (decoded now if it was not parsed). */
export function ciphertextPoint(b: Uint8Array): Affine {
  return decoded.get(b) ?? decodeCiphertextPoint(b);
}
