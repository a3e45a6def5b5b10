/**
 * FPE of text over an alphabet (docs/fpe-ff1.md, "Alphabets"; cloudproof_rust `Alphabet::encrypt` and
 * `rebase`/`debase`): the characters of the text that belong to the alphabet become numerals and
 * are encrypted as one FF1 numeral string (radix = alphabet size, 18 rounds, AES-256); every other
 * character stays, unchanged, at the same position. Positions count Unicode scalar values.
 */
import { type Alphabet, resolve } from "./alphabet.ts";
import { FpeError } from "./errors.ts";
import { Ff1, type Ff1Options } from "./ff1.ts";

export interface TextOptions extends Ff1Options {
  /** cloudproof_js `additionalCharacters`: merged into the alphabet (and then encrypted too). */
  additionalCharacters?: string;
}

interface Stripped {
  numerals: Uint16Array;
  count: number; // numerals in use
  total: number; // characters (scalar values) in the text
  kept: number[] | null; // [position, codePoint, position, codePoint, ...] of non-alphabet characters
}

function rebase(alphabet: Alphabet, text: string): Stripped {
  const numerals = new Uint16Array(text.length);
  let count = 0;
  let total = 0;
  let kept: number[] | null = null;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const lo = text.charCodeAt(i + 1);
      if (cp > 0xdbff || !(lo >= 0xdc00 && lo <= 0xdfff)) {
        throw new FpeError("TEXT", `text is not well-formed Unicode (lone surrogate at UTF-16 index ${i})`);
      }
      cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
      i++;
    }
    const k = alphabet.indexOf(cp);
    if (k >= 0) numerals[count++] = k;
    else (kept ??= []).push(total, cp);
    total++;
  }
  return { numerals, count, total, kept };
}

function debase(alphabet: Alphabet, numerals: Uint16Array, s: Stripped): string {
  let out = "";
  if (!s.kept) {
    for (let j = 0; j < numerals.length; j++) out += alphabet.charAt(numerals[j]);
    return out;
  }
  let j = 0;
  let k = 0;
  for (let pos = 0; pos < s.total; pos++) {
    if (k < s.kept.length && s.kept[k] === pos) {
      out += String.fromCodePoint(s.kept[k + 1]);
      k += 2;
    } else {
      out += alphabet.charAt(numerals[j++]);
    }
  }
  return out;
}

function crypt(
  key: Uint8Array,
  tweak: Uint8Array,
  text: string,
  alphabetOrId: Alphabet | string | undefined,
  options: TextOptions,
  decrypt: boolean,
): string {
  if (typeof text !== "string") throw new TypeError("FPE text must be a string");
  const alphabet = resolve(alphabetOrId, options.additionalCharacters);
  const s = rebase(alphabet, text);
  // As in cloudproof: encrypt checks the stripped length here; decrypt leaves it to the FF1 core
  // ("The given numeral string is too short for FF1 (3 < 6)").
  if (!decrypt && s.count < alphabet.minLength) {
    throw new FpeError(
      "TOO_SHORT",
      `The stripped input length of ${s.count} is too short. It should be at least ${alphabet.minLength} given the alphabet length of ${alphabet.size}.`,
    );
  }
  const ff1 = new Ff1(key, alphabet.size, options);
  const x = s.numerals.subarray(0, s.count);
  const y = decrypt ? ff1.decrypt(tweak, x) : ff1.encrypt(tweak, x);
  s.numerals.fill(0);
  const out = debase(alphabet, y, s);
  y.fill(0);
  return out;
}

/**
 * Encrypts `text` over `alphabet` (an Alphabet or a cloudproof preset id; default alpha_numeric),
 * as cloudproof_js `Fpe().encrypt(key, tweak, text, { alphabet, additionalCharacters })`.
 */
export function encrypt(
  key: Uint8Array,
  tweak: Uint8Array,
  text: string,
  alphabet?: Alphabet | string,
  options: TextOptions = {},
): string {
  return crypt(key, tweak, text, alphabet, options, false);
}

/** Inverse of `encrypt` with the same key, tweak, alphabet and options. */
export function decrypt(
  key: Uint8Array,
  tweak: Uint8Array,
  text: string,
  alphabet?: Alphabet | string,
  options: TextOptions = {},
): string {
  return crypt(key, tweak, text, alphabet, options, true);
}
