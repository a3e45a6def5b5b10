/** Alphabet presets, ordering, KMS names and custom alphabets (docs/fpe-ff1.md, "Alphabets"). */
import { describe, expect, it } from "vitest";
import { Alphabet, CLOUDPROOF_PRESETS, custom, KMS_PRESETS, kmsAlphabet, preset, resolve } from "./alphabet.ts";
import { FpeError } from "./errors.ts";

describe("alphabet presets", () => {
  // id -> [size, minimum length, first characters, last character] (the presets of cloudproof_js and the KMS)
  const table: Record<string, [number, number, string, string]> = {
    numeric: [10, 6, "0123", "9"],
    hexa_decimal: [16, 5, "0123", "f"],
    alpha_lower: [26, 5, "abcd", "z"],
    alpha_upper: [26, 5, "ABCD", "Z"],
    alpha: [52, 4, "ABCD", "z"],
    alpha_numeric: [62, 4, "0123", "z"],
    utf: [63489, 2, "\u0000\u0001\u0002\u0003", "\u{10000}"],
    chinese: [20992, 2, "一丁丂七", "\u9fff"],
    latin1sup: [158, 3, '!"#$', "ÿ"],
    latin1sup_alphanum: [126, 3, "0123", "ÿ"],
  };
  for (const id of CLOUDPROOF_PRESETS) {
    it(`${id}: size, minimum length, order`, () => {
      const a = preset(id);
      const [size, min, first, last] = table[id];
      expect(a.size).toBe(size);
      expect(a.minLength).toBe(min);
      expect(a.toString().startsWith(first)).toBe(true);
      expect(a.charAt(a.size - 1)).toBe(last);
    });
  }

  it("sorts by code point: alpha is A-Z a-z, alpha_numeric 0-9 A-Z a-z (not the wrapper's comment order)", () => {
    expect(preset("alpha").toString()).toBe("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    expect(preset("alpha_numeric").toString()).toBe("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  });

  it("utf has no surrogate and ends with U+10000 at index 63488", () => {
    const a = preset("utf");
    expect(a.indexOf(0xd800)).toBe(-1);
    expect(a.indexOf(0xdfff)).toBe(-1);
    expect(a.indexOf(0xd7ff)).toBe(0xd7ff);
    expect(a.indexOf(0xe000)).toBe(0xd800);
    expect(a.indexOf(0x10000)).toBe(63488);
    expect(a.indexOf(0x1f600)).toBe(-1);
  });

  it("latin1sup has no space; latin1sup_alphanum includes × and ÷", () => {
    expect(preset("latin1sup").indexOf(0x20)).toBe(-1);
    expect(preset("latin1sup_alphanum").indexOf(0xd7)).toBeGreaterThan(0);
    expect(preset("latin1sup_alphanum").indexOf(0xf7)).toBeGreaterThan(0);
  });

  it("unknown cloudproof id", () => {
    expect(() => preset("hexadecimal")).toThrow(FpeError);
    expect(() => preset("base64")).toThrow(/Cannot instantiate from this id: base64/);
  });
});

describe("KMS alphabet names (KMS >= 5.24)", () => {
  it("knows hexadecimal, ascii_printable and base64", () => {
    expect(KMS_PRESETS).toHaveLength(12);
    expect(kmsAlphabet("hexadecimal").toString()).toBe("0123456789abcdef");
    expect(kmsAlphabet("ascii_printable").size).toBe(95);
    expect(kmsAlphabet("ascii_printable").minLength).toBe(4);
    expect(kmsAlphabet("base64").size).toBe(64);
    expect(kmsAlphabet("base64").indexOf("=".codePointAt(0)!)).toBe(-1);
    expect(kmsAlphabet("base64").toString().slice(0, 3)).toBe("+/0");
  });
  it("an unknown name is a literal custom alphabet: hexa_decimal -> _acdehilmx", () => {
    const a = kmsAlphabet("hexa_decimal");
    expect(a.toString()).toBe("_acdehilmx");
    expect(a.size).toBe(10);
  });
});

describe("custom alphabets", () => {
  it("sort numerically by code point (astral characters after the BMP) and de-duplicate", () => {
    const a = custom("b\u{1F600}a\uFFFDab");
    expect(Array.from(a.codePoints())).toEqual([0x61, 0x62, 0xfffd, 0x1f600]);
    expect(a.charAt(3)).toBe("\u{1F600}");
    expect(a.indexOf(0x1f600)).toBe(3);
  });
  it("sizes 2..65535 only", () => {
    expect(() => custom("a")).toThrow(/between 2 and 2\^16 - 1/);
    expect(() => custom("aaaa")).toThrow(FpeError);
    expect(() => new Alphabet(Array.from({ length: 65536 }, (_, i) => (i < 0xd800 ? i : i + 0x800)))).toThrow(FpeError);
    expect(new Alphabet([0x10ffff, 0]).size).toBe(2);
  });
  it("refuses lone surrogates and non-scalar values", () => {
    expect(() => custom("ab\uD800")).toThrow(/lone surrogate/);
    expect(() => new Alphabet([0x41, 0xd800])).toThrow(FpeError);
    expect(() => new Alphabet([0x41, 0x110000])).toThrow(FpeError);
  });
  it("extend re-sorts and updates the minimum length", () => {
    const a = preset("alpha_lower").extend("_-0123456789");
    expect(a.size).toBe(38);
    expect(a.toString().slice(0, 12)).toBe("-0123456789_");
    expect(preset("numeric").extend("0123").size).toBe(10);
    expect(resolve("numeric", " ").size).toBe(11);
    expect(resolve("numeric", " ")).toBe(resolve("numeric", " ")); // cached
  });
  it("charAt out of range", () => {
    expect(() => preset("numeric").charAt(10)).toThrow(FpeError);
  });
});
