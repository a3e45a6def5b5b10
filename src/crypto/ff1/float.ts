/**
 * FPE of floats (docs/fpe-ff1.md, "Integers and floats"; cloudproof_rust `Float`): the 64 IEEE-754 bits of the
 * double, written as 16 hex digits, are encrypted as Integer(16, 16) and read back as a double.
 * There is no format preservation in the numeric sense, and about 1 ciphertext in 2048 is a NaN.
 */
import { FpeError } from "./errors.ts";
import type { Ff1Options } from "./ff1.ts";
import { decryptBigint, encryptBigint } from "./integer.ts";

const FLOAT_OPTIONS = { radix: 16, digits: 16 } as const;
const U64_MAX = (1n << 64n) - 1n;

/** IEEE-754 binary64 bits of a number (big-endian order as an unsigned 64-bit bigint). */
export function floatToBits(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** The number with these 64 bits. NaN payloads may not survive as a JS number: keep the bits. */
export function bitsToFloat(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

function checkBits(bits: bigint): void {
  if (typeof bits !== "bigint" || bits < 0n || bits > U64_MAX) {
    throw new FpeError("FLOAT", "float bits must be an unsigned 64-bit bigint");
  }
}

/** Encrypts the bit pattern of a float; about 1 ciphertext in 2048 is a NaN pattern. */
export function encryptFloatBits(key: Uint8Array, tweak: Uint8Array, bits: bigint, options: Ff1Options = {}): bigint {
  checkBits(bits);
  return encryptBigint(key, tweak, bits, { ...options, ...FLOAT_OPTIONS });
}

export function decryptFloatBits(key: Uint8Array, tweak: Uint8Array, bits: bigint, options: Ff1Options = {}): bigint {
  checkBits(bits);
  return decryptBigint(key, tweak, bits, { ...options, ...FLOAT_OPTIONS });
}

/**
 * cloudproof_js float mode: `Fpe().encrypt(key, tweak, 123.456)`. The result is any double, NaN
 * included; a NaN's payload is lost on runtimes that canonicalise NaNs (JSC/Bun), so prefer the
 * *Bits functions (or 16 hex digits, as the KMS does) to store float ciphertexts.
 */
export function encryptFloat(key: Uint8Array, tweak: Uint8Array, value: number, options: Ff1Options = {}): number {
  if (typeof value !== "number") throw new TypeError("FPE float value must be a number");
  return bitsToFloat(encryptFloatBits(key, tweak, floatToBits(value), options));
}

export function decryptFloat(key: Uint8Array, tweak: Uint8Array, value: number, options: Ff1Options = {}): number {
  if (typeof value !== "number") throw new TypeError("FPE float value must be a number");
  return bitsToFloat(decryptFloatBits(key, tweak, floatToBits(value), options));
}
