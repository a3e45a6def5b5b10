/**
 * Interop with Cosmian's cloudproof_js 10.0.1 `Fpe()` (WASM, cosmian_fpe 0.5.2): random inputs
 * encrypted by src/crypto/ff1 are decrypted by cloudproof_js and the reverse, and both ciphertexts
 * must be identical (FF1 is deterministic). See docs/fpe-ff1.md.
 */
import { Fpe } from "cloudproof_js";
import { beforeAll, describe, expect, it } from "vitest";
import { preset } from "../../src/crypto/ff1/alphabet.ts";
import * as float from "../../src/crypto/ff1/float.ts";
import * as integer from "../../src/crypto/ff1/integer.ts";
import { minLength } from "../../src/crypto/ff1/ff1.ts";
import * as text from "../../src/crypto/ff1/text.ts";
import { randomBytes } from "../../src/crypto/random.ts";

type CloudproofFpe = Awaited<ReturnType<typeof Fpe>>;
let fpe: CloudproofFpe;
beforeAll(async () => {
  fpe = await Fpe();
});

const randomInt = (max: number) => new DataView(randomBytes(4).buffer).getUint32(0) % max;

/** A random text: alphabet characters with separators (not in the alphabet) sprinkled in. */
function randomText(id: string, additional: string, separators: string[]): string {
  const a = preset(id).extend(additional);
  const n = a.minLength + randomInt(40);
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    if (randomInt(6) === 0) out.push(separators[randomInt(separators.length)]);
    out.push(a.charAt(randomInt(a.size)));
  }
  return out.join("");
}

const TEXT_CASES: [id: string, additional: string, separators: string[]][] = [
  ["numeric", "", ["-", " ", "/"]],
  ["numeric", " ", ["-"]],
  ["hexa_decimal", "", ["-", "G", "Z"]],
  ["alpha_lower", "@.", ["-", "A", "_"]],
  ["alpha_upper", "", [" ", "é"]],
  ["alpha", " -", [".", "0"]],
  ["alpha_numeric", "", ["@", ".", "-", "😀"]],
  ["latin1sup", "", [" ", "—", "✓"]],
  ["latin1sup_alphanum", "", [" ", ",", "!"]],
  ["chinese", "", [" ", "。", "a"]],
  ["utf", "", ["😀", "\u{1F680}"]],
];

describe("FPE interop with cloudproof_js: text", () => {
  for (const [id, additional, separators] of TEXT_CASES) {
    it(`${id}${additional ? ` + ${JSON.stringify(additional)}` : ""}: 25 random texts, both directions`, async () => {
      for (let i = 0; i < 25; i++) {
        const key = randomBytes(32);
        const tweak = randomBytes(randomInt(40));
        const plaintext = randomText(id, additional, separators);
        const options = { alphabet: id, additionalCharacters: additional };
        const ours = text.encrypt(key, tweak, plaintext, id, { additionalCharacters: additional });
        expect(await fpe.decrypt(key, tweak, ours, options)).toBe(plaintext);
        const theirs = (await fpe.encrypt(key, tweak, plaintext, options)) as string;
        expect(ours).toBe(theirs);
        expect(text.decrypt(key, tweak, theirs, id, { additionalCharacters: additional })).toBe(plaintext);
      }
    });
  }

  it("default alphabet (alpha_numeric) with no options", async () => {
    const key = randomBytes(32);
    const tweak = randomBytes(3);
    const plaintext = randomText("alpha_numeric", "", ["."]);
    expect(await fpe.encrypt(key, tweak, plaintext)).toBe(text.encrypt(key, tweak, plaintext));
  });
});

describe("FPE interop with cloudproof_js: integers", () => {
  it("big integers as strings, radix 2..16, random digit counts, both directions", async () => {
    for (let i = 0; i < 60; i++) {
      const radix = 2 + (i % 15);
      const digits = minLength(radix) + randomInt(30);
      const max = BigInt(radix) ** BigInt(digits) - 1n;
      const value = BigInt(`0x${Buffer.from(randomBytes(24)).toString("hex")}`) % (max + 1n);
      const key = randomBytes(32);
      const tweak = randomBytes(randomInt(20));
      const options = { radix, digits };
      const plaintext = value.toString(radix);
      const ours = integer.encryptString(key, tweak, plaintext, options);
      expect(await fpe.encrypt(key, tweak, plaintext, options)).toBe(ours);
      expect(await fpe.decrypt(key, tweak, ours, options)).toBe(plaintext);
      expect(integer.decryptString(key, tweak, ours, options)).toBe(plaintext);
    }
  });

  it("bigint API (radix 10), default 6 digits and 20 digits", async () => {
    for (let i = 0; i < 20; i++) {
      const key = randomBytes(32);
      const tweak = randomBytes(randomInt(20));
      const options = i % 2 === 0 ? {} : { radix: 10, digits: 20 };
      const value = BigInt(randomInt(1_000_000)) * (i % 2 === 0 ? 1n : 99_999_999_999_999n);
      const theirs = await fpe.encrypt(key, tweak, value, options);
      expect(integer.encryptBigint(key, tweak, value, options)).toBe(theirs);
      expect(integer.decryptBigint(key, tweak, theirs as bigint, options)).toBe(value);
    }
  });
});

describe("FPE interop with cloudproof_js: floats", () => {
  it("random doubles and special values, both directions (NaN ciphertexts compared by bits only)", async () => {
    const inputs = [0, -0, 1, -1, 0.1, 123456.789, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity];
    while (inputs.length < 80) {
      const x = float.bitsToFloat(new DataView(randomBytes(8).buffer).getBigUint64(0));
      if (!Number.isNaN(x)) inputs.push(x);
    }
    for (const x of inputs) {
      const key = randomBytes(32);
      const tweak = randomBytes(randomInt(20));
      const ours = float.encryptFloat(key, tweak, x);
      if (Number.isNaN(ours)) continue; // payload may not cross the WASM boundary as a JS number
      const theirs = (await fpe.encrypt(key, tweak, x)) as number;
      expect(Object.is(ours, theirs)).toBe(true);
      expect(Object.is(await fpe.decrypt(key, tweak, ours), x)).toBe(true);
      expect(Object.is(float.decryptFloat(key, tweak, theirs), x)).toBe(true);
    }
  });
});
