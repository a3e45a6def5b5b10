/**
 * Text (alphabet) FPE against every cloudproof_js 10.0.1 alphabet vector, both directions, plus the
 * alphabet-mode error vectors and negative controls.
 */
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/fpe/fpe-vectors.json";
import { hexToBytes } from "../bytes.ts";
import { custom, preset } from "./alphabet.ts";
import { FpeError } from "./errors.ts";
import * as text from "./text.ts";

const label = (v: { alphabet: string; additionalCharacters: string; plaintext: string; note?: string }, i: number) =>
  `#${i} ${v.alphabet}${v.additionalCharacters ? ` +${[...v.additionalCharacters].length} chars` : ""}: ${
    v.note ?? [...v.plaintext].slice(0, 24).join("")
  }`;

describe("text FPE: cloudproof_js alphabet vectors", () => {
  vectors.alphabet.forEach((v, i) => {
    it(label(v, i), () => {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const opts = { additionalCharacters: v.additionalCharacters };
      expect(text.encrypt(key, tweak, v.plaintext, v.alphabet, opts)).toBe(v.ciphertext);
      expect(text.decrypt(key, tweak, v.ciphertext, v.alphabet, opts)).toBe(v.plaintext);
      // Same length in scalar values; characters outside the alphabet stay in place.
      const pt = [...v.plaintext];
      const ct = [...v.ciphertext];
      expect(ct.length).toBe(pt.length);
      const alphabet = preset(v.alphabet).extend(v.additionalCharacters);
      pt.forEach((c, j) => {
        if (alphabet.indexOf(c.codePointAt(0)!) < 0) expect(ct[j]).toBe(c);
        else expect(alphabet.indexOf(ct[j].codePointAt(0)!)).toBeGreaterThanOrEqual(0);
      });
    });
  });

  it(`covers all ${vectors.alphabet.length} vectors and every cloudproof preset`, () => {
    expect(vectors.alphabet.length).toBe(58);
    expect(new Set(vectors.alphabet.map((v) => v.alphabet)).size).toBe(10);
  });

  it("negative control: 10 rounds reproduces none of them", () => {
    const matches = vectors.alphabet.filter(
      (v) =>
        text.encrypt(hexToBytes(v.key), hexToBytes(v.tweak), v.plaintext, v.alphabet, {
          additionalCharacters: v.additionalCharacters,
          rounds: 10,
        }) === v.ciphertext,
    );
    expect(matches).toHaveLength(0);
  });

  it("negative control: another tweak or key changes the ciphertext", () => {
    const v = vectors.alphabet[2]; // README 1234-1234-1234-1234
    const key = hexToBytes(v.key);
    expect(text.encrypt(key, hexToBytes("00"), v.plaintext, v.alphabet)).not.toBe(v.ciphertext);
    key[31] ^= 1;
    expect(text.encrypt(key, hexToBytes(v.tweak), v.plaintext, v.alphabet)).not.toBe(v.ciphertext);
  });

  it("default alphabet is alpha_numeric; an Alphabet object works like its preset id", () => {
    const v = vectors.alphabet.find((x) => x.note === "default alphabet of the JS API")!;
    expect(text.encrypt(hexToBytes(v.key), hexToBytes(v.tweak), v.plaintext)).toBe(v.ciphertext);
    const a = custom("9876543210zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA");
    expect(text.encrypt(hexToBytes(v.key), hexToBytes(v.tweak), v.plaintext, a)).toBe(v.ciphertext);
  });
});

describe("text FPE: minimum length and errors (cloudproof_js messages)", () => {
  const inner = (error: string) => (/^\w+\("(.*)"\)$/.exec(error)?.[1] ?? error).replace(/\\"/g, '"');
  const err = (call: string) => inner(vectors.errors.find((e) => e.call === call)!.error);
  const key = new Uint8Array(32);
  const tweak = new Uint8Array();

  it("stripped input too short (numeric 5, alpha_numeric 3, chinese 1, empty, separators only)", () => {
    expect(() => text.encrypt(key, tweak, "12345", "numeric")).toThrow(err("numeric, 5 digits"));
    expect(() => text.encrypt(key, tweak, "abc", "alpha_numeric")).toThrow(err("alpha_numeric, 3 chars"));
    expect(() => text.encrypt(key, tweak, "天", "chinese")).toThrow(err("chinese, 1 char"));
    expect(() => text.encrypt(key, tweak, "", "numeric")).toThrow(err("empty string (numeric)"));
    expect(() => text.encrypt(key, tweak, "-- --", "numeric")).toThrow(err("only separators (numeric)"));
    expect(() => text.encrypt(key, tweak, "1-2-3-4-5", "numeric")).toThrow(FpeError);
  });

  it("min_length_probe: a 100-character alphabet needs 3 characters", () => {
    const probe = vectors.min_length_probe[0];
    const extra = Array.from({ length: 90 }, (_, i) => String.fromCodePoint(0x100 + i)).join("");
    expect(() => text.encrypt(key, tweak, probe.text, "numeric", { additionalCharacters: extra })).toThrow(
      inner(probe.result.replace(/^ERROR /, "")),
    );
    expect(text.encrypt(key, tweak, "123", "numeric", { additionalCharacters: extra })).toHaveLength(3);
  });

  it("decrypt of a too-short string fails in the FF1 core", () => {
    expect(() => text.decrypt(key, tweak, "123", "numeric")).toThrow(
      err("decrypt of a too short string (numeric, 3 digits)").replace("FF1 decryption failed: ", ""),
    );
  });

  it("key sizes: 16 bytes refused in both directions (cloudproof traps on decrypt)", () => {
    expect(err("numeric, 16-byte key")).toBe("KeySize(16, 32)");
    for (const f of [text.encrypt, text.decrypt]) {
      try {
        f(new Uint8Array(16), tweak, "123456", "numeric");
        expect.unreachable();
      } catch (e) {
        expect((e as FpeError).code).toBe("KEY_SIZE");
      }
    }
  });

  it("unknown alphabet ids, including the KMS-only name 'hexadecimal'", () => {
    expect(() => text.encrypt(key, tweak, "123456", "decimal")).toThrow(err("unknown alphabet id"));
    expect(() => text.encrypt(key, tweak, "123456", "hexadecimal")).toThrow(err("KMS-only preset name 'hexadecimal'"));
  });

  it("a lone surrogate is refused (a Rust string cannot hold one)", () => {
    expect(() => text.encrypt(key, tweak, "12345\uD800678", "numeric")).toThrow(/lone surrogate/);
    expect(() => text.encrypt(key, tweak, "\uDC00123456", "numeric")).toThrow(/lone surrogate/);
  });
});
