/**
 * The Cosmian KMS (>= 5.24, non-FIPS) server-side FPE_FF1 data rules, as pure functions
 * (docs/fpe-ff1.md, "In the KMS"; KMS `crate/crypto/src/crypto/fpe/kmip_fpe.rs`). No KMIP here: the
 * operation layer passes `Data`, `AuthenticatedEncryptionAdditionalData` (the metadata) and
 * `IVCounterNonce` (the tweak) and returns the bytes as `Data`, with no IV and no tag.
 *
 * Metadata: absent, empty or blank -> text over alpha_numeric; a JSON object
 * `{"type":"text"|"integer"|"float","alphabet":"..."}`; else the trimmed string is the alphabet
 * (a KMS preset name, else a literal custom alphabet). At most 4096 bytes.
 */
import { kmsAlphabet, type Alphabet } from "./alphabet.ts";
import { FpeError } from "./errors.ts";
import { Ff1 } from "./ff1.ts";
import { bitsToFloat, decryptFloatBits, encryptFloatBits, floatToBits } from "./float.ts";
import { maxValue } from "./integer.ts";
import * as text from "./text.ts";

export type KmsFpeType = "text" | "integer" | "float";
export interface KmsFpeMetadata {
  type: KmsFpeType;
  alphabet?: string;
}

export const MAX_METADATA_BYTES = 4096;
const KEY_LENGTH = 32;

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** UTF-8 text of `data`, or an FpeError naming `what`. */
export function utf8(data: Uint8Array, what: string): string {
  try {
    return decoder.decode(data);
  } catch {
    throw new FpeError("TEXT", `failed decoding ${what} as UTF-8`);
  }
}

/** `FpeMetadata::parse`. */
export function parseMetadata(additionalData?: Uint8Array): KmsFpeMetadata {
  const fallback: KmsFpeMetadata = { type: "text", alphabet: "alpha_numeric" };
  if (!additionalData || additionalData.length === 0) return fallback;
  if (additionalData.length > MAX_METADATA_BYTES) {
    throw new FpeError("METADATA", `additional_data exceeds maximum allowed length of ${MAX_METADATA_BYTES} bytes`);
  }
  const trimmed = utf8(additionalData, "additional authenticated data").trim();
  if (trimmed === "") return fallback;
  if (!trimmed.startsWith("{")) return { type: "text", alphabet: trimmed };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch (e) {
    throw new FpeError("METADATA", `failed parsing FPE metadata JSON: ${(e as Error).message}`);
  }
  const o = json as { type?: unknown; alphabet?: unknown };
  const type = o.type ?? "text";
  if (type !== "text" && type !== "integer" && type !== "float") {
    throw new FpeError("METADATA", 'failed parsing FPE metadata JSON: "type" must be "text", "integer" or "float"');
  }
  if (o.alphabet !== undefined && o.alphabet !== null && typeof o.alphabet !== "string") {
    throw new FpeError("METADATA", 'failed parsing FPE metadata JSON: "alphabet" must be a string');
  }
  const alphabet = (o.alphabet as string | null | undefined) ?? (type === "text" ? "alpha_numeric" : undefined);
  return alphabet === undefined ? { type } : { type, alphabet };
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array)) throw new TypeError("FPE key must be a Uint8Array");
  if (key.length !== KEY_LENGTH)
    throw new FpeError("KEY_SIZE", `FPE key must be ${KEY_LENGTH} bytes, got ${key.length}`);
}

/** Integer mode: digits = character count, radix = alphabet size (2..16), output zero-padded. */
function cryptInteger(
  key: Uint8Array,
  tweak: Uint8Array,
  input: string,
  name: string | undefined,
  decrypt: boolean,
): string {
  if (name === undefined) throw new FpeError("ALPHABET", "integer FPE requires an alphabet or radix hint");
  return cryptIntegerDigits(key, tweak, input, kmsAlphabet(name), decrypt);
}

/**
 * The KMS integer mode on an alphabet: every character is a digit (radix = alphabet size, 2..16)
 * and the answer keeps the input's length (Integer::encrypt_big zero-pads to `digits` numerals).
 * `rounds` defaults to Cosmian's 18.
 */
export function cryptIntegerDigits(
  key: Uint8Array,
  tweak: Uint8Array,
  input: string,
  alphabet: Alphabet,
  decrypt: boolean,
  rounds?: number,
): string {
  if (alphabet.size > 16) {
    throw new FpeError(
      "ALPHABET",
      `integer FPE requires an alphabet with radix between 2 and 16, got ${alphabet.size}`,
    );
  }
  const chars = [...input];
  maxValue(alphabet.size, chars.length); // Integer::instantiate: digit-count errors first
  const x = new Uint16Array(chars.length);
  for (let j = 0; j < chars.length; j++) {
    const k = alphabet.indexOf(chars[j].codePointAt(0)!);
    if (k < 0) throw new FpeError("INVALID_DIGIT", `character at position ${j} is not part of the integer alphabet`);
    x[j] = k;
  }
  const ff1 = new Ff1(key, alphabet.size, rounds === undefined ? undefined : { rounds });
  const y = decrypt ? ff1.decrypt(tweak, x) : ff1.encrypt(tweak, x);
  let out = "";
  for (let j = 0; j < y.length; j++) out += alphabet.charAt(y[j]);
  x.fill(0);
  y.fill(0);
  return out;
}

const RUST_F64 = /^[+-]?(?:inf|infinity|nan|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)$/i;

/** Rust `str::parse::<f64>` to IEEE bits (no whitespace, no hex; inf/infinity/nan any case). */
export function parseRustF64Bits(s: string): bigint {
  if (!RUST_F64.test(s)) throw new FpeError("FLOAT", "failed parsing FPE float plaintext: invalid float literal");
  const negative = s.startsWith("-");
  const body = s.replace(/^[+-]/, "").toLowerCase();
  if (body === "nan") return negative ? 0xfff8_0000_0000_0000n : 0x7ff8_0000_0000_0000n;
  const value = body.startsWith("inf") ? Infinity : Number(body);
  return floatToBits(negative ? -value : value);
}

/** Rust `f64::to_string()`: shortest round-trip digits, never an exponent; inf, -inf, NaN, -0. */
export function rustF64ToString(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const s = Math.abs(x).toString();
  const e = s.indexOf("e");
  if (e < 0) return sign + s;
  const mantissa = s.slice(0, e).replace(".", "");
  const point = 1 + Number(s.slice(e + 1)); // digits before the decimal point
  if (point >= mantissa.length) return sign + mantissa + "0".repeat(point - mantissa.length);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${mantissa}`;
  return `${sign}${mantissa.slice(0, point)}.${mantissa.slice(point)}`;
}

/** Rust `u64::from_str_radix(s.trim(), 16)`: how the KMS reads a float ciphertext. */
function parseHexBits(s: string): bigint {
  const body = s.trim().replace(/^\+/, "");
  if (!/^[0-9a-fA-F]{1,16}$/.test(body.replace(/^0+(?=.)/, ""))) {
    throw new FpeError("FLOAT", "failed decoding FPE float ciphertext: expected at most 16 hex digits");
  }
  return BigInt(`0x${body}`);
}

/**
 * The KMS float mode on text: a Rust float literal encrypts to the 16 hex digits of the encrypted
 * IEEE-754 bits, and back. `rounds` defaults to Cosmian's 18.
 */
export function cryptFloatText(
  key: Uint8Array,
  tweak: Uint8Array,
  input: string,
  decrypt: boolean,
  rounds?: number,
): string {
  const options = rounds === undefined ? {} : { rounds };
  if (decrypt) return rustF64ToString(bitsToFloat(decryptFloatBits(key, tweak, parseHexBits(input), options)));
  return encryptFloatBits(key, tweak, parseRustF64Bits(input), options).toString(16).padStart(16, "0");
}

/** KMS `encrypt_fpe(key, data, additional_data, tweak)`. */
export function encrypt(
  key: Uint8Array,
  data: Uint8Array,
  additionalData?: Uint8Array,
  tweak?: Uint8Array,
): Uint8Array {
  checkKey(key);
  const meta = parseMetadata(additionalData);
  const t = tweak ?? new Uint8Array(0);
  switch (meta.type) {
    case "text":
      return encoder.encode(text.encrypt(key, t, utf8(data, "FPE plaintext"), kmsAlphabet(meta.alphabet!)));
    case "integer":
      return encoder.encode(cryptInteger(key, t, utf8(data, "FPE integer plaintext"), meta.alphabet, false));
    case "float":
      return encoder.encode(cryptFloatText(key, t, utf8(data, "FPE float plaintext"), false));
  }
}

/** KMS `decrypt_fpe(key, data, additional_data, tweak)`. */
export function decrypt(
  key: Uint8Array,
  data: Uint8Array,
  additionalData?: Uint8Array,
  tweak?: Uint8Array,
): Uint8Array {
  checkKey(key);
  const meta = parseMetadata(additionalData);
  const t = tweak ?? new Uint8Array(0);
  switch (meta.type) {
    case "text":
      return encoder.encode(text.decrypt(key, t, utf8(data, "FPE ciphertext"), kmsAlphabet(meta.alphabet!)));
    case "integer":
      return encoder.encode(cryptInteger(key, t, utf8(data, "FPE integer ciphertext"), meta.alphabet, true));
    case "float":
      return encoder.encode(cryptFloatText(key, t, utf8(data, "FPE float ciphertext"), true));
  }
}
