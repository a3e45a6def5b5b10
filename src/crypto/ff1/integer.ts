/**
 * FPE of integers (docs/fpe-ff1.md, "Integers and floats"; cloudproof_rust `Integer`, cloudproof_js big-integer and
 * bigint API). Floats (float.ts) are Integer(16, 16) over their bits.
 *
 * An integer is FF1-encrypted as exactly `digits` base-`radix` numerals, most significant first,
 * zero-padded on the left; so the same value with another `digits` gives another ciphertext.
 * radix is 2..16 and digits at least the minimum domain length (radix^digits >= 1 000 000).
 */
import { FpeError } from "./errors.ts";
import { Ff1, type Ff1Options, MAX_LENGTH, minLength } from "./ff1.ts";

export interface IntegerOptions extends Ff1Options {
  /** 2..16; default 10. */
  radix?: number;
  /** Numerals the value is padded to; at least the minimum for the radix; default 6. */
  digits?: number;
}

/** The `Integer::instantiate` checks; returns radix^digits - 1. */
export function maxValue(radix: number, digits: number): bigint {
  if (!Number.isInteger(radix) || radix < 2 || radix > 16) {
    throw new FpeError("RADIX", `Radix must be between 2 and 16 inclusive, got ${radix}`);
  }
  const min = minLength(radix);
  if (!Number.isInteger(digits) || digits < min) {
    throw new FpeError("DIGITS", `Integer of digits must be at least ${min}, got ${digits}`);
  }
  if (digits > MAX_LENGTH)
    throw new FpeError("DIGITS", `Integer of digits must be at most ${MAX_LENGTH}, got ${digits}`);
  return BigInt(radix) ** BigInt(digits) - 1n;
}

function crypt(key: Uint8Array, tweak: Uint8Array, value: bigint, options: IntegerOptions, decrypt: boolean): bigint {
  if (typeof value !== "bigint") throw new TypeError("FPE integer value must be a bigint");
  const radix = options.radix ?? 10;
  const digits = options.digits ?? 6;
  const max = maxValue(radix, digits);
  if (value < 0n || value > max) {
    // The value itself is not echoed: it may be sensitive data.
    throw new FpeError(
      "VALUE_RANGE",
      `the ${decrypt ? "ciphertext " : ""}value must be non-negative and lower or equal to ${max.toString(radix)} (radix ${radix}, ${digits} digits)`,
    );
  }
  const text = value.toString(radix).padStart(digits, "0");
  const x = new Uint16Array(digits);
  for (let j = 0; j < digits; j++) x[j] = parseInt(text[j], radix);
  const ff1 = new Ff1(key, radix, options);
  const y = decrypt ? ff1.decrypt(tweak, x) : ff1.encrypt(tweak, x);
  x.fill(0);
  let out = "";
  for (let j = 0; j < digits; j++) out += DIGIT_CHARS[y[j]];
  y.fill(0);
  return parseRadix(out, radix);
}

const DIGIT_CHARS = "0123456789abcdef";

/** Exact parse of lower-case digits already validated for the radix. */
function parseRadix(s: string, radix: number): bigint {
  if (radix === 16) return BigInt(`0x${s}`);
  if (radix === 10) return BigInt(s);
  if (radix === 8) return BigInt(`0o${s}`);
  if (radix === 2) return BigInt(`0b${s}`);
  let acc = 0n;
  const r = BigInt(radix);
  for (let j = 0; j < s.length; j++) acc = acc * r + BigInt(parseInt(s[j], radix));
  return acc;
}

/** Encrypts an integer 0 <= value <= radix^digits - 1 (defaults: radix 10, 6 digits). */
export function encryptBigint(key: Uint8Array, tweak: Uint8Array, value: bigint, options: IntegerOptions = {}): bigint {
  return crypt(key, tweak, value, options, false);
}

/** Inverse of `encryptBigint`. */
export function decryptBigint(key: Uint8Array, tweak: Uint8Array, value: bigint, options: IntegerOptions = {}): bigint {
  return crypt(key, tweak, value, options, true);
}

/**
 * Parses like num-bigint `BigUint::from_str_radix` (what cloudproof_js applies to big-integer
 * strings): an optional single leading '+', digits of either case, '_' separators ignored except
 * in the first place; empty input is refused.
 */
export function parseInteger(s: string, radix: number): bigint {
  if (typeof s !== "string") throw new TypeError("FPE integer string must be a string");
  let body = s;
  if (body.startsWith("+") && !body.startsWith("++")) body = body.slice(1);
  if (body === "") throw new FpeError("INVALID_DIGIT", "cannot parse integer from empty string");
  if (body.startsWith("_")) throw new FpeError("INVALID_DIGIT", `invalid digit found in string for radix ${radix}`);
  let digits = "";
  for (const ch of body) {
    if (ch === "_") continue;
    const d = parseInt(ch, 36);
    if (!(d < radix)) throw new FpeError("INVALID_DIGIT", `invalid digit found in string for radix ${radix}`);
    digits += ch.toLowerCase();
  }
  return parseRadix(digits, radix);
}

/**
 * cloudproof_js big-integer mode: `Fpe().encrypt(key, tweak, "1e240", { radix: 16, digits: 6 })`.
 * Input and output are in base `radix`; the output is lower-case and not zero-padded.
 */
export function encryptString(
  key: Uint8Array,
  tweak: Uint8Array,
  value: string,
  options: IntegerOptions & { radix: number; digits: number },
): string {
  maxValue(options.radix, options.digits); // instantiation errors come before parse errors, as in cloudproof
  return crypt(key, tweak, parseInteger(value, options.radix), options, false).toString(options.radix);
}

/** Inverse of `encryptString`. */
export function decryptString(
  key: Uint8Array,
  tweak: Uint8Array,
  value: string,
  options: IntegerOptions & { radix: number; digits: number },
): string {
  maxValue(options.radix, options.digits);
  return crypt(key, tweak, parseInteger(value, options.radix), options, true).toString(options.radix);
}
