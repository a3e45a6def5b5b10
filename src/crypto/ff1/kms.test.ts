/**
 * KMS >= 5.24 server-side FPE data rules (docs/fpe-ff1.md, "In the KMS"): metadata parsing, text, integer
 * and float modes, checked against the cloudproof_js vectors (same FF1-18 core).
 */
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/fpe/fpe-vectors.json";
import { hexToBytes, utf8 } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { FpeError } from "./errors.ts";
import * as kms from "./kms.ts";

const enc = (key: Uint8Array, data: string, aad?: string, tweak?: Uint8Array) =>
  utf8.decode(kms.encrypt(key, utf8.encode(data), aad === undefined ? undefined : utf8.encode(aad), tweak));
const dec = (key: Uint8Array, data: string, aad?: string, tweak?: Uint8Array) =>
  utf8.decode(kms.decrypt(key, utf8.encode(data), aad === undefined ? undefined : utf8.encode(aad), tweak));
const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FpeError);
    return (e as FpeError).code;
  }
  throw new Error("no error thrown");
};

const ZERO = new Uint8Array(32);
const UNIQUE = utf8.encode("unique tweak");

describe("KMS FPE metadata (AuthenticatedEncryptionAdditionalData)", () => {
  it("absent, empty or blank -> text / alpha_numeric", () => {
    for (const aad of [undefined, new Uint8Array(), utf8.encode("  \n")]) {
      expect(kms.parseMetadata(aad)).toEqual({ type: "text", alphabet: "alpha_numeric" });
    }
  });
  it("plain string -> trimmed alphabet name or literal", () => {
    expect(kms.parseMetadata(utf8.encode(" numeric\n"))).toEqual({ type: "text", alphabet: "numeric" });
    expect(kms.parseMetadata(utf8.encode("abc"))).toEqual({ type: "text", alphabet: "abc" });
  });
  it("JSON object", () => {
    expect(kms.parseMetadata(utf8.encode('{"type":"integer","alphabet":"numeric"}'))).toEqual({
      type: "integer",
      alphabet: "numeric",
    });
    expect(kms.parseMetadata(utf8.encode('{"type":"float"}'))).toEqual({ type: "float" });
    expect(kms.parseMetadata(utf8.encode('{"alphabet":null}'))).toEqual({ type: "text", alphabet: "alpha_numeric" });
    expect(kms.parseMetadata(utf8.encode('{"unknown":1}'))).toEqual({ type: "text", alphabet: "alpha_numeric" });
  });
  it("refuses bad JSON, bad types, oversize and invalid UTF-8", () => {
    for (const bad of ['{"type":"Text"}', '{"type":"date"}', '{"alphabet":5}', "{oops", '{"type":"text"} x']) {
      expect(codeOf(() => kms.parseMetadata(utf8.encode(bad)))).toBe("METADATA");
    }
    expect(codeOf(() => kms.parseMetadata(new Uint8Array(4097).fill(0x61)))).toBe("METADATA");
    expect(kms.parseMetadata(new Uint8Array(4096).fill(0x61)).alphabet).toHaveLength(4096);
    expect(codeOf(() => kms.parseMetadata(Uint8Array.of(0xff, 0xfe)))).toBe("TEXT");
  });
});

describe("KMS FPE text mode", () => {
  it("reproduces the cloudproof_js vectors without additional characters (same names except hexadecimal)", () => {
    const plain = vectors.alphabet.filter((v) => v.additionalCharacters === "");
    expect(plain.length).toBeGreaterThan(40);
    for (const v of plain) {
      const name = v.alphabet === "hexa_decimal" ? "hexadecimal" : v.alphabet;
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      expect(enc(key, v.plaintext, name, tweak)).toBe(v.ciphertext);
      expect(dec(key, v.ciphertext, JSON.stringify({ type: "text", alphabet: name }), tweak)).toBe(v.plaintext);
    }
  });
  it("README vectors; default alphabet; absent tweak = empty tweak", () => {
    expect(enc(ZERO, "plaintext", "alpha_lower", UNIQUE)).toBe("phqivnqmo");
    expect(enc(ZERO, "alphanumeric", undefined, UNIQUE)).toBe("jraqSuFWZmdH");
    expect(enc(ZERO, "4111 1111 1111 1111", "numeric")).toBe("0113 8046 8988 1113");
  });
  it("a literal custom alphabet (alpha_lower + '@.') encrypts those characters too", () => {
    const v = vectors.alphabet.find((x) => x.note === "'@' and '.' added: encrypted too")!;
    const literal = "@.abcdefghijklmnopqrstuvwxyz";
    expect(enc(hexToBytes(v.key), v.plaintext, literal, hexToBytes(v.tweak))).toBe(v.ciphertext);
    expect(dec(hexToBytes(v.key), v.ciphertext, `{"alphabet":"${literal}"}`, hexToBytes(v.tweak))).toBe(v.plaintext);
  });
  it("hexa_decimal is a custom 10-character alphabet for the KMS", () => {
    const key = randomBytes(32);
    const c = enc(key, "acdehilmx_", "hexa_decimal");
    expect([...c].every((ch) => "_acdehilmx".includes(ch))).toBe(true);
    expect(dec(key, c, "hexa_decimal")).toBe("acdehilmx_");
  });
  it("key must be 32 bytes; short text refused", () => {
    expect(codeOf(() => enc(new Uint8Array(16), "123456", "numeric"))).toBe("KEY_SIZE");
    expect(codeOf(() => dec(new Uint8Array(16), "123456", "numeric"))).toBe("KEY_SIZE");
    expect(codeOf(() => enc(ZERO, "12345", "numeric"))).toBe("TOO_SHORT");
    expect(codeOf(() => kms.encrypt(ZERO, Uint8Array.of(0xc3, 0x28)))).toBe("TEXT");
  });
});

describe("KMS FPE integer mode", () => {
  const meta = (alphabet: string) => JSON.stringify({ type: "integer", alphabet });
  it("digits = characters, output zero-padded: same numerals as cloudproof's big-integer mode", () => {
    for (const v of vectors.big_integer.filter((x) => x.radix === 10 || x.radix === 16)) {
      const name = v.radix === 10 ? "numeric" : "hexadecimal";
      const p = v.plaintext.toLowerCase().replace(/_/g, "").padStart(v.digits, "0");
      const c = v.ciphertext.padStart(v.digits, "0");
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      expect(enc(key, p, meta(name), tweak)).toBe(c);
      expect(dec(key, c, meta(name), tweak)).toBe(p);
    }
  });
  it("a custom alphabet gives the radix (01234567 = radix 8)", () => {
    const v = vectors.big_integer.find((x) => x.radix === 8)!;
    expect(enc(hexToBytes(v.key), v.plaintext, meta("76543210"), hexToBytes(v.tweak))).toBe(
      v.ciphertext.padStart(7, "0"),
    );
  });
  it("errors: no alphabet, radix > 16, too few digits, separators", () => {
    expect(codeOf(() => enc(ZERO, "123456", '{"type":"integer"}'))).toBe("ALPHABET");
    expect(codeOf(() => enc(ZERO, "123456", meta("alpha_lower")))).toBe("ALPHABET");
    expect(() => enc(ZERO, "12345", meta("numeric"))).toThrow("Integer of digits must be at least 6, got 5");
    expect(codeOf(() => enc(ZERO, "", meta("numeric")))).toBe("DIGITS");
    expect(codeOf(() => enc(ZERO, "1234-5678", meta("numeric")))).toBe("INVALID_DIGIT");
  });
});

describe("KMS FPE float mode", () => {
  const F = '{"type":"float"}';
  it("ciphertext = 16 lower-case hex digits of the encrypted bits (cloudproof float vectors)", () => {
    for (const v of vectors.float) {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const input = v.plaintext === "Infinity" ? "inf" : v.plaintext === "-Infinity" ? "-inf" : v.plaintext;
      expect(enc(key, input, F, tweak)).toBe(v.ciphertext_bits);
      expect(dec(key, v.ciphertext_bits.toUpperCase(), F, tweak)).toBe(kms.rustF64ToString(Number(v.plaintext)));
    }
  });
  it("decrypt prints like Rust f64::to_string (no exponent)", () => {
    const key = randomBytes(32);
    for (const [input, printed] of [
      ["1e20", "100000000000000000000"],
      ["1.5e-7", "0.00000015"],
      ["-0", "-0"],
      ["+2.50", "2.5"],
      [".5", "0.5"],
      ["7.", "7"],
      ["Infinity", "inf"],
      ["-INF", "-inf"],
      ["nan", "NaN"],
      ["123456.789", "123456.789"],
    ]) {
      expect(dec(key, enc(key, input, F), F)).toBe(printed);
    }
    expect(kms.rustF64ToString(5e-324)).toBe(`0.${"0".repeat(323)}5`);
    expect(kms.rustF64ToString(1.7976931348623157e308)).toMatch(/^179769313486231570{292}$/);
    expect(kms.parseRustF64Bits("-nan")).toBe(0xfff8000000000000n);
  });
  it("refuses what Rust's f64 / u64 parsers refuse", () => {
    for (const bad of ["", " 1", "1 ", "0x10", "1e", "e5", ".", "1,5", "--1", "infinit"]) {
      expect(codeOf(() => enc(ZERO, bad, F))).toBe("FLOAT");
    }
    for (const bad of ["", "-1", "g", "1".repeat(17), "0x1"]) expect(codeOf(() => dec(ZERO, bad, F))).toBe("FLOAT");
    expect(dec(ZERO, ` 0000${"0".repeat(12)} `, F)).toMatch(/^-?[0-9.e]+$|^NaN$|^-?inf$/);
  });
});
