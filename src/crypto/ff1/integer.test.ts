/** Integer FPE against the cloudproof_js big-integer and bigint vectors, plus the error vectors. */
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/fpe/fpe-vectors.json";
import { hexToBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { FpeError } from "./errors.ts";
import { minLength } from "./ff1.ts";
import * as integer from "./integer.ts";
import * as text from "./text.ts";

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FpeError);
    return (e as FpeError).code;
  }
  throw new Error("no error thrown");
};
const inner = (error: string) => /FPE\("(.*)"\)$/.exec(error)?.[1] ?? error;
const err = (call: string) => vectors.errors.find((e) => e.call === call)!.error;

describe("integer FPE: cloudproof_js big_integer vectors (strings in base radix)", () => {
  vectors.big_integer.forEach((v, i) => {
    it(`#${i} radix ${v.radix}, ${v.digits} digits${v.note ? `: ${v.note}` : ""}`, () => {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const opts = { radix: v.radix, digits: v.digits };
      expect(integer.encryptString(key, tweak, v.plaintext, opts)).toBe(v.ciphertext);
      expect(integer.decryptString(key, tweak, v.ciphertext, opts)).toBe(v.decrypted);
      // bigint API on the same values
      const p = integer.parseInteger(v.plaintext, v.radix);
      const c = integer.encryptBigint(key, tweak, p, opts);
      expect(c.toString(v.radix)).toBe(v.ciphertext);
      expect(integer.decryptBigint(key, tweak, c, opts)).toBe(p);
    });
  });

  it("negative control: 10 rounds reproduces none", () => {
    const hits = vectors.big_integer.filter(
      (v) =>
        integer.encryptString(hexToBytes(v.key), hexToBytes(v.tweak), v.plaintext, {
          radix: v.radix,
          digits: v.digits,
          rounds: 10,
        }) === v.ciphertext,
    );
    expect(hits).toHaveLength(0);
  });

  it("integer mode equals text mode on the zero-padded digits (000042 -> 530309)", () => {
    const key = hexToBytes("97b748594b77c8af3f5a3e396d24f24674dbc1893f4e6dadfa7253ca406f1958");
    expect(text.encrypt(key, new Uint8Array(), "000042", "numeric")).toBe("530309");
    expect(integer.encryptBigint(key, new Uint8Array(), 42n)).toBe(530309n);
  });
});

describe("integer FPE: cloudproof_js bigint API vectors", () => {
  vectors.bigint_api.forEach((v, i) => {
    it(`#${i} ${v.plaintext}n`, () => {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const c = integer.encryptBigint(key, tweak, BigInt(v.plaintext), v.options);
      expect(c).toBe(BigInt(v.ciphertext));
      expect(integer.decryptBigint(key, tweak, c, v.options)).toBe(BigInt(v.plaintext));
    });
  });

  it("radix 16 with a bigint works on the value (cloudproof_js stringifies it in base 10: quirk not copied)", () => {
    expect(err("bigint 255n with radix 16 (stringified in base 10 then parsed as hex!)")).toMatch(/Cannot convert/);
    const key = randomBytes(32);
    const tweak = randomBytes(5);
    const c = integer.encryptBigint(key, tweak, 255n, { radix: 16, digits: 6 });
    expect(c).toBeLessThan(16n ** 6n);
    expect(integer.decryptBigint(key, tweak, c, { radix: 16, digits: 6 })).toBe(255n);
  });

  it("random round trips for every radix 2..16 at its minimum and a larger digit count", () => {
    for (let radix = 2; radix <= 16; radix++) {
      for (const extra of [0, 25]) {
        const digits = minLength(radix) + extra;
        const max = BigInt(radix) ** BigInt(digits) - 1n;
        const value = BigInt(`0x${Buffer.from(randomBytes(16)).toString("hex")}`) % (max + 1n);
        const key = randomBytes(32);
        const c = integer.encryptBigint(key, new Uint8Array(), value, { radix, digits });
        expect(integer.decryptBigint(key, new Uint8Array(), c, { radix, digits })).toBe(value);
      }
    }
  });
});

describe("integer FPE: errors", () => {
  const key = new Uint8Array(32);
  const tweak = new Uint8Array();

  it("radix 17 and digits below the minimum (same messages as cloudproof)", () => {
    expect(() => integer.encryptString(key, tweak, "1", { radix: 17, digits: 6 })).toThrow(
      inner(err("big integer radix 17")),
    );
    expect(() => integer.encryptString(key, tweak, "1", { radix: 10, digits: 5 })).toThrow(
      inner(err("big integer radix 10 digits 5")),
    );
    expect(codeOf(() => integer.encryptBigint(key, tweak, 1n, { radix: 1 }))).toBe("RADIX");
    const minimum: Record<number, number> = { 2: 20, 3: 13, 4: 10, 5: 9, 6: 8, 7: 8, 8: 7, 9: 7, 10: 6, 15: 6, 16: 5 };
    for (const [radix, min] of Object.entries(minimum)) {
      expect(codeOf(() => integer.maxValue(Number(radix), min - 1))).toBe("DIGITS");
      expect(integer.maxValue(Number(radix), min)).toBe(BigInt(radix) ** BigInt(min) - 1n);
    }
  });

  it("value above radix^digits - 1, both directions (the value is not echoed)", () => {
    expect(err("big integer value > radix^digits-1")).toContain("999999");
    expect(codeOf(() => integer.encryptString(key, tweak, "1000000", { radix: 10, digits: 6 }))).toBe("VALUE_RANGE");
    expect(codeOf(() => integer.decryptString(key, tweak, "1000000", { radix: 10, digits: 6 }))).toBe("VALUE_RANGE");
    expect(() => integer.encryptBigint(key, tweak, 1_000_000n)).toThrow(/lower or equal to 999999/);
    expect(() => integer.encryptBigint(key, tweak, 1_000_000n)).not.toThrow(/1000000/);
    expect(codeOf(() => integer.encryptBigint(key, tweak, -1n))).toBe("VALUE_RANGE");
  });

  it("parsing follows num-bigint from_str_radix", () => {
    expect(err("big integer invalid digit")).toContain("InvalidDigit");
    expect(codeOf(() => integer.encryptString(key, tweak, "12a456", { radix: 10, digits: 6 }))).toBe("INVALID_DIGIT");
    expect(integer.parseInteger("+1_000", 10)).toBe(1000n);
    expect(integer.parseInteger("DeadBeef", 16)).toBe(0xdeadbeefn);
    expect(integer.parseInteger("0007", 8)).toBe(7n);
    for (const bad of ["", "+", "++1", "_1", "-1", " 1", "1.0", "12", "٣"]) {
      expect(codeOf(() => integer.parseInteger(bad, 2))).toBe("INVALID_DIGIT");
    }
  });

  it("wrong key size", () => {
    expect(codeOf(() => integer.encryptBigint(new Uint8Array(16), tweak, 1n))).toBe("KEY_SIZE");
  });
});
