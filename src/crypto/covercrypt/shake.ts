/**
 * SHAKE256 (FIPS 202 §6.2) for CoverCrypt's masks, tag/key derivation and Kyber's noise sampling.
 * Goes through node:crypto (OpenSSL/BoringSSL, ~3x faster than a JS sponge on short inputs) when
 * the runtime's `createHash("shake256")` passes a known-answer check at load, @noble/hashes
 * otherwise.
 */
import { createHash } from "node:crypto";
import { shake256 as nobleShake256 } from "@noble/hashes/sha3.js";

function nodeShake(input: Uint8Array, dkLen: number): Uint8Array {
  const h = createHash("shake256", { outputLength: dkLen }).update(input).digest();
  const out = new Uint8Array(h); // a copy: a Buffer may sit in a shared pool
  h.fill(0);
  return out;
}

const useNode = (() => {
  try {
    const probe = new Uint8Array(32).map((_, i) => i);
    const a = nodeShake(probe, 200),
      b = nobleShake256(probe, { dkLen: 200 });
    return a.length === 200 && a.every((x, i) => x === b[i]);
  } catch {
    return false;
  }
})();

/** SHAKE256(input), `dkLen` bytes. */
export function shake256(input: Uint8Array, dkLen: number): Uint8Array {
  return useNode ? nodeShake(input, dkLen) : nobleShake256(input, { dkLen });
}
