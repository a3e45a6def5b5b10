/**
 * FPE alphabets (docs/fpe-ff1.md, "Alphabets"; cloudproof_rust crates/fpe `Alphabet`, KMS 5.x
 * `crate/crypto/src/crypto/fpe/alphabet.rs`).
 *
 * An alphabet is a set of Unicode scalar values, sorted by code point and de-duplicated; a
 * character's numeral is its rank. Presets use the cloudproof_js ids (`hexa_decimal`, ...) or,
 * through `kmsAlphabet`, the KMS 5.x names (`hexadecimal`, `ascii_printable`, `base64`), where an
 * unknown name is a literal custom alphabet. Sorting is numeric on code points, never the default
 * JS string sort (UTF-16 order differs above U+FFFF).
 */
import { FpeError } from "./errors.ts";
import { minLength } from "./ff1.ts";

/** Alphabet sizes allowed by cloudproof/KMS: 2 <= size < 2^16 (numerals are u16). */
export const MAX_ALPHABET_SIZE = 65_535;

const DENSE_LIMIT = 0x20000; // a direct lookup table up to this code point, a Map beyond

export class Alphabet {
  /** Number of characters: the FF1 radix. */
  readonly size: number;
  /** Smallest count of alphabet characters a text must contain (radix^n >= 1 000 000). */
  readonly minLength: number;
  readonly #codePoints: Uint32Array;
  readonly #chars: string[];
  readonly #dense: Int32Array | null;
  readonly #sparse: Map<number, number> | null;

  /** Builds an alphabet from code points (any order, duplicates allowed). */
  constructor(codePoints: Iterable<number>) {
    const sorted = Uint32Array.from(new Set(codePoints)).sort();
    if (sorted.length < 2 || sorted.length > MAX_ALPHABET_SIZE) {
      throw new FpeError(
        "ALPHABET",
        `Alphabet must contain between 2 and 2^16 - 1 characters. This alphabet contains ${sorted.length} characters`,
      );
    }
    for (const cp of sorted) {
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        throw new FpeError("ALPHABET", `Alphabet characters must be Unicode scalar values, got U+${cp.toString(16)}`);
      }
    }
    this.#codePoints = sorted;
    this.size = sorted.length;
    this.minLength = minLength(sorted.length);
    this.#chars = Array.from(sorted, (cp) => String.fromCodePoint(cp));
    const max = sorted[sorted.length - 1];
    if (max < DENSE_LIMIT) {
      this.#dense = new Int32Array(max + 1).fill(-1);
      for (let i = 0; i < sorted.length; i++) this.#dense[sorted[i]] = i;
      this.#sparse = null;
    } else {
      this.#dense = null;
      this.#sparse = new Map(Array.from(sorted, (cp, i) => [cp, i] as [number, number]));
    }
  }

  /** Numeral of a code point, or -1 when the character is not in the alphabet. */
  indexOf(codePoint: number): number {
    if (this.#dense) return codePoint < this.#dense.length ? this.#dense[codePoint] : -1;
    return this.#sparse!.get(codePoint) ?? -1;
  }

  /** Character (as a JS string, 1 or 2 UTF-16 units) of a numeral. */
  charAt(index: number): string {
    const c = this.#chars[index];
    if (c === undefined)
      throw new FpeError("NUMERAL", `index ${index} out of bounds for alphabet of size ${this.size}`);
    return c;
  }

  codePoints(): Uint32Array {
    return this.#codePoints.slice();
  }

  /** A new alphabet with `additional` characters merged in (re-sorted, like cloudproof's extend_with). */
  extend(additional: string): Alphabet {
    if (additional === "") return this;
    return new Alphabet([...this.#codePoints, ...codePointsOf(additional, "additional characters")]);
  }

  toString(): string {
    return this.#chars.join("");
  }
}

/** Code points of a well-formed string; a lone surrogate is refused (Rust strings cannot hold one). */
export function codePointsOf(s: string, what = "text"): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const lo = s.charCodeAt(i + 1);
      if (cp > 0xdbff || !(lo >= 0xdc00 && lo <= 0xdfff)) {
        throw new FpeError("TEXT", `${what} is not well-formed Unicode (lone surrogate at UTF-16 index ${i})`);
      }
      cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
      i++;
    }
    out.push(cp);
  }
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Preset characters; shared by both namings (they differ only in names and the KMS-only sets). */
const PRESET_SOURCES: Record<string, () => Iterable<number>> = {
  numeric: () => codePointsOf(DIGITS),
  hexa_decimal: () => codePointsOf(DIGITS + "abcdef"),
  alpha_lower: () => codePointsOf(LOWER),
  alpha_upper: () => codePointsOf(UPPER),
  alpha: () => codePointsOf(LOWER + UPPER),
  alpha_numeric: () => codePointsOf(DIGITS + LOWER + UPPER),
  // U+0000..U+10000 minus the surrogates: 63 489 characters (Rust's char::from_u32 filter).
  utf: () => [...range(0, 0xd7ff), ...range(0xe000, 0x10000)],
  chinese: () => range(0x4e00, 0x9fff),
  latin1sup: () => [...range(0x21, 0x7e), ...range(0xc0, 0xff)],
  latin1sup_alphanum: () => [...range(0x30, 0x39), ...range(0x41, 0x5a), ...range(0x61, 0x7a), ...range(0xc0, 0xff)],
  ascii_printable: () => range(0x20, 0x7e),
  base64: () => codePointsOf(UPPER + LOWER + DIGITS + "+/"),
};

/** cloudproof_js 10.0.1 alphabet ids, in its error-message order. */
export const CLOUDPROOF_PRESETS = [
  "numeric",
  "hexa_decimal",
  "alpha_lower",
  "alpha_upper",
  "alpha",
  "alpha_numeric",
  "utf",
  "chinese",
  "latin1sup",
  "latin1sup_alphanum",
] as const;
/** KMS >= 5.24 preset names (`AlphabetPreset::PRESET_NAMES`). */
export const KMS_PRESETS = [
  "numeric",
  "hexadecimal",
  "alpha_lower",
  "alpha_upper",
  "alpha",
  "alpha_numeric",
  "chinese",
  "latin1sup",
  "latin1sup_alphanum",
  "utf",
  "ascii_printable",
  "base64",
] as const;
const presetCache = new Map<string, Alphabet>();

function builtin(source: string): Alphabet {
  let a = presetCache.get(source);
  if (!a) {
    a = new Alphabet(PRESET_SOURCES[source]());
    presetCache.set(source, a);
  }
  return a;
}

/** A cloudproof_js preset by id; unknown ids fail like cloudproof ("Cannot instantiate from this id"). */
export function preset(id: string): Alphabet {
  if (!(CLOUDPROOF_PRESETS as readonly string[]).includes(id)) {
    throw new FpeError(
      "ALPHABET",
      `Cannot instantiate from this id: ${id}. Possible values are [${CLOUDPROOF_PRESETS.map((p) => JSON.stringify(p)).join(", ")}]`,
    );
  }
  return builtin(id);
}

/**
 * KMS 5.x `Alphabet::from_preset_or_custom`: a KMS preset name, else the string itself as a custom
 * alphabet. Note: `hexa_decimal` is not a KMS name and becomes the 10-character set `_acdehilmx`.
 */
export function kmsAlphabet(nameOrChars: string): Alphabet {
  if ((KMS_PRESETS as readonly string[]).includes(nameOrChars)) {
    return builtin(nameOrChars === "hexadecimal" ? "hexa_decimal" : nameOrChars);
  }
  return custom(nameOrChars);
}

/** A custom alphabet from its characters (any order, duplicates ignored). */
export function custom(chars: string): Alphabet {
  return new Alphabet(codePointsOf(chars, "alphabet"));
}

const extendedCache = new Map<string, Alphabet>();

/** cloudproof_js resolution: preset id (default alpha_numeric) + additionalCharacters. Cached. */
export function resolve(alphabet: Alphabet | string = "alpha_numeric", additionalCharacters = ""): Alphabet {
  if (typeof alphabet !== "string") return alphabet.extend(additionalCharacters);
  if (additionalCharacters === "") return preset(alphabet);
  const key = `${alphabet}\u0000${additionalCharacters}`;
  let a = extendedCache.get(key);
  if (!a) {
    a = preset(alphabet).extend(additionalCharacters);
    if (extendedCache.size >= 32) extendedCache.clear(); // bounded; alphabets hold no secret
    extendedCache.set(key, a);
  }
  return a;
}
