/**
 * FF1 core: NIST SP 800-38G samples (10 rounds), the cloudproof_js numeric vectors (18 rounds) at
 * the numeral level, a differential check against a naive reference, and the error cases.
 */
import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import vectors from "../../../test/vectors/fpe/fpe-vectors.json";
import { hexToBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { FpeError } from "./errors.ts";
import * as ff1 from "./ff1.ts";

const DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz";
const toNumerals = (s: string) => [...s].map((c) => DIGITS36.indexOf(c));
const fromNumerals = (x: ArrayLike<number>) => Array.from(x, (d) => DIGITS36[d]).join("");

/** Straight transcription of SP 800-38G Algorithm 7/8 (one CBC cipher per PRF call, plain bigint). */
function reference(
  key: Uint8Array,
  radix: number,
  tweak: Uint8Array,
  x: number[],
  rounds: number,
  dec: boolean,
): number[] {
  const n = x.length;
  const u = Math.floor(n / 2);
  const v = n - u;
  const R = BigInt(radix);
  const num = (s: number[]) => s.reduce((acc, d) => acc * R + BigInt(d), 0n);
  const str = (value: bigint, m: number) => {
    const out: number[] = [];
    for (let j = 0; j < m; j++) {
      out.unshift(Number(value % R));
      value /= R;
    }
    return out;
  };
  const b = Math.ceil((R ** BigInt(v) - 1n).toString(2).length / 8);
  const d = 4 * Math.ceil(b / 4) + 4;
  const t = tweak.length;
  const p = [
    1,
    2,
    1,
    radix >> 16,
    (radix >> 8) & 255,
    radix & 255,
    10,
    u & 255,
    n >>> 24,
    (n >> 16) & 255,
    (n >> 8) & 255,
    n & 255,
  ];
  p.push(t >>> 24, (t >> 16) & 255, (t >> 8) & 255, t & 255);
  const aes = (data: Uint8Array, iv = new Uint8Array(16)) => {
    const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    c.setAutoPadding(false);
    return c.update(data);
  };
  let A = x.slice(0, u);
  let B = x.slice(u);
  for (let k = 0; k < rounds; k++) {
    const i = dec ? rounds - 1 - k : k;
    const numBytes = (
      num(dec ? A : B)
        .toString(16)
        .padStart(2 * b, "0")
        .match(/../g) ?? []
    ).map((h) => parseInt(h, 16));
    const q = [...tweak, ...new Array((((-t - b - 1) % 16) + 16) % 16).fill(0), i, ...numBytes];
    const all = aes(Uint8Array.from([...p, ...q]));
    const r = all.subarray(all.length - 16);
    let s = [...r];
    for (let j = 1; s.length < d; j++) {
      const blk = Uint8Array.from(r);
      blk[15] ^= j;
      s = s.concat([...aes(blk)]);
    }
    const y = BigInt(`0x${Buffer.from(s.slice(0, d)).toString("hex")}`);
    const m = i % 2 === 0 ? u : v;
    const mod = R ** BigInt(m);
    if (dec) {
      const c = (((num(B) - y) % mod) + mod) % mod;
      B = A;
      A = str(c, m);
    } else {
      const c = (num(A) + y) % mod;
      A = B;
      B = str(c, m);
    }
  }
  return [...A, ...B];
}

describe("FF1 NIST SP 800-38G samples (10 rounds)", () => {
  for (const s of vectors.nist_ff1_samples) {
    it(`sample ${s.sample}: AES-${s.key.length * 4}, radix ${s.radix}`, () => {
      const key = hexToBytes(s.key);
      const tweak = hexToBytes(s.tweak);
      const c = ff1.encrypt(key, s.radix, tweak, toNumerals(s.plaintext), { rounds: 10 });
      expect(fromNumerals(c)).toBe(s.ciphertext);
      expect(fromNumerals(ff1.decrypt(key, s.radix, tweak, toNumerals(s.ciphertext), { rounds: 10 }))).toBe(
        s.plaintext,
      );
    });
    it(`sample ${s.sample} with the Cosmian 18 rounds differs`, () => {
      if (s.key.length !== 64) return; // 18 rounds is AES-256 only (checked below)
      const c = ff1.encrypt(hexToBytes(s.key), s.radix, hexToBytes(s.tweak), toNumerals(s.plaintext));
      expect(fromNumerals(c)).not.toBe(s.ciphertext);
    });
  }
});

// The numeric-alphabet cloudproof vectors are FF1-18 over the digits alone (separators are kept aside).
const numeric = vectors.alphabet.filter((v) => v.alphabet === "numeric" && v.additionalCharacters === "");
const digitsOf = (s: string) => [...s].filter((c) => c >= "0" && c <= "9").map(Number);

describe("FF1-18 on the cloudproof_js numeric vectors", () => {
  it(`reproduces all ${numeric.length} numeric vectors in both directions`, () => {
    expect(numeric.length).toBeGreaterThan(20);
    for (const v of numeric) {
      const key = hexToBytes(v.key);
      const tweak = hexToBytes(v.tweak);
      const c = ff1.encrypt(key, 10, tweak, digitsOf(v.plaintext));
      expect(Array.from(c)).toEqual(digitsOf(v.ciphertext));
      expect(Array.from(ff1.decrypt(key, 10, tweak, c))).toEqual(digitsOf(v.plaintext));
    }
  });

  it("the 18-round AES-256 quick vectors", () => {
    const key = hexToBytes("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94");
    const x = toNumerals("0123456789");
    expect(fromNumerals(ff1.encrypt(key, 10, new Uint8Array(), x))).toBe("2970494737");
    expect(fromNumerals(ff1.encrypt(key, 10, hexToBytes("39383736353433323130"), x))).toBe("9088363539");
  });

  it("negative control: 10 rounds matches none of them", () => {
    let matches = 0;
    for (const v of numeric) {
      const c = ff1.encrypt(hexToBytes(v.key), 10, hexToBytes(v.tweak), digitsOf(v.plaintext), { rounds: 10 });
      if (Array.from(c).join("") === digitsOf(v.ciphertext).join("")) matches++;
    }
    expect(matches).toBe(0);
  });
});

describe("FF1 against a naive reference implementation", () => {
  const cases: [number, number, number, number][] = [
    // radix, length, tweak length, rounds: the number path (radix^v <= 2^45) and the bigint path
    [10, 6, 0, 18],
    [10, 16, 8, 18],
    [10, 19, 3, 10],
    [2, 20, 1, 18],
    [2, 97, 0, 18],
    [36, 19, 11, 18],
    [62, 32, 8, 18],
    [62, 33, 100, 12],
    [255, 40, 17, 18],
    [1000, 7, 16, 18],
    [63489, 2, 0, 18],
    [65536, 3, 15, 10],
    [65536, 41, 5, 18],
    [10, 300, 12, 18],
  ];
  for (const [radix, n, t, rounds] of cases) {
    it(`radix ${radix}, n=${n}, t=${t}, ${rounds} rounds`, () => {
      for (let trial = 0; trial < 3; trial++) {
        const key = randomBytes(rounds === 10 ? [16, 24, 32][trial] : 32);
        const tweak = randomBytes(t);
        const x = Array.from(
          randomBytes(2 * n).reduce((acc: number[], _, j, bytes) => {
            if (j % 2 === 0) acc.push(((bytes[j] << 8) | bytes[j + 1]) % radix);
            return acc;
          }, []),
        );
        const c = ff1.encrypt(key, radix, tweak, x, { rounds });
        expect(Array.from(c)).toEqual(reference(key, radix, tweak, x, rounds, false));
        expect(Array.from(ff1.decrypt(key, radix, tweak, c, { rounds }))).toEqual(x);
        expect(reference(key, radix, tweak, Array.from(c), rounds, true)).toEqual(x);
      }
    });
  }

  it("an Ff1 instance is reusable across calls and lengths", () => {
    const key = randomBytes(32);
    const f = new ff1.Ff1(key, 10);
    for (const n of [6, 7, 16, 40, 6]) {
      const x = Array.from({ length: n }, (_, j) => (j * 7) % 10);
      const tweak = randomBytes(n);
      const c = f.encrypt(tweak, x);
      expect(Array.from(c)).toEqual(Array.from(ff1.encrypt(key, 10, tweak, x)));
      expect(Array.from(f.decrypt(tweak, c))).toEqual(x);
    }
  });
});

describe("FF1 minimum length (radix^n >= 10^6, n >= 2)", () => {
  it("matches the documented examples and the exact rule", () => {
    const expected: Record<number, number> = {
      2: 20,
      3: 13,
      10: 6,
      16: 5,
      26: 5,
      36: 4,
      52: 4,
      62: 4,
      100: 3,
      158: 3,
      126: 3,
      999: 3,
      1000: 2,
      1001: 2,
      20992: 2,
      65536: 2,
    };
    for (const [radix, n] of Object.entries(expected)) expect(ff1.minLength(Number(radix))).toBe(n);
    for (let radix = 2; radix <= 65536; radix += 97) {
      const n = ff1.minLength(radix);
      expect(BigInt(radix) ** BigInt(n) >= 1_000_000n).toBe(true);
      if (n > 2) expect(BigInt(radix) ** BigInt(n - 1) < 1_000_000n).toBe(true);
    }
  });
});

describe("FF1 errors", () => {
  const key = new Uint8Array(32);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(FpeError);
      return (e as FpeError).code;
    }
    throw new Error("no error thrown");
  };
  it("key sizes: NIST mode AES-128/192/256, 18 rounds AES-256 only", () => {
    for (const len of [16, 24]) {
      expect(code(() => ff1.encrypt(new Uint8Array(len), 10, new Uint8Array(), [1, 2, 3, 4, 5, 6]))).toBe("KEY_SIZE");
      expect(ff1.encrypt(new Uint8Array(len), 10, new Uint8Array(), [1, 2, 3, 4, 5, 6], { rounds: 10 })).toHaveLength(
        6,
      );
    }
    for (const len of [0, 15, 31, 33, 64]) {
      expect(code(() => new ff1.Ff1(new Uint8Array(len), 10, { rounds: 10 }))).toBe("KEY_SIZE");
      expect(code(() => new ff1.Ff1(new Uint8Array(len), 10))).toBe("KEY_SIZE");
    }
    expect(() => new ff1.Ff1(new Uint8Array(16), 10)).toThrow("requires a 32-byte AES-256 key, got 16 bytes");
  });
  it("radix outside 2..65536", () => {
    for (const radix of [0, 1, 65537, 2.5, Number.NaN]) expect(code(() => new ff1.Ff1(key, radix))).toBe("RADIX");
  });
  it("round counts: even, 8..254", () => {
    for (const rounds of [0, 6, 9, 17, 256, 1.5]) expect(code(() => new ff1.Ff1(key, 10, { rounds }))).toBe("ROUNDS");
    expect(new ff1.Ff1(key, 10, { rounds: 8 }).rounds).toBe(8);
  });
  it("numeral strings below the minimum domain", () => {
    expect(() => ff1.encrypt(key, 10, new Uint8Array(), [1, 2, 3, 4, 5])).toThrow(
      "The given numeral string is too short for FF1 (5 < 6)",
    );
    expect(code(() => ff1.decrypt(key, 65536, new Uint8Array(), [7]))).toBe("TOO_SHORT");
    expect(code(() => ff1.encrypt(key, 2, new Uint8Array(), new Array(19).fill(1)))).toBe("TOO_SHORT");
  });
  it("numerals not in the radix", () => {
    for (const bad of [10, -1, 1.5, Number.NaN]) {
      expect(code(() => ff1.encrypt(key, 10, new Uint8Array(), [1, 2, 3, 4, 5, bad]))).toBe("NUMERAL");
    }
  });
  it("argument types", () => {
    expect(() => ff1.encrypt("k" as unknown as Uint8Array, 10, new Uint8Array(), [1, 2, 3, 4, 5, 6])).toThrow(
      TypeError,
    );
    expect(() => ff1.encrypt(key, 10, "t" as unknown as Uint8Array, [1, 2, 3, 4, 5, 6])).toThrow(TypeError);
  });
});
