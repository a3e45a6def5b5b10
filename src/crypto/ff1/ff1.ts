/**
 * FF1 format-preserving encryption (NIST SP 800-38G, Algorithms 7 and 8) with the number of Feistel
 * rounds as a parameter. 18 rounds is Cosmian's `FF1h` (cosmian_fpe 0.5.2 inside cloudproof_js
 * 10.0.1, and the KMS >= 5.24 port); 10 rounds is NIST. Only the loop bound and Q's round byte
 * change: the P block keeps the constant 10 at byte 6 (docs/fpe-ff1.md, "The cipher").
 *
 * AES runs on node:crypto (Node, Bun and Deno): one `aes-*-ecb` cipher object per Ff1 instance,
 * reused for every block, since creating a cipher object costs more than the block itself (see
 * bench/fpe.ts). The CBC-MAC PRF is chained by hand over that ECB object, and the blocks of
 * P || T || padding, which every round shares, are MAC'ed once per call, so a round usually costs
 * one native AES call. Big-number arithmetic uses native bigint, with a plain-number fast path
 * when radix^v <= 2^37 (every intermediate then stays below 2^53).
 */
import { type Cipheriv, createCipheriv } from "node:crypto";
import { FpeError } from "./errors.ts";
import { numRadix, type Plan, planFor, strRadix } from "./numerals.ts";

/** Cosmian's round count (cloudproof_js, KMS FPE_FF1). */
export const COSMIAN_ROUNDS = 18;
/** NIST SP 800-38G's round count. */
export const NIST_ROUNDS = 10;
/** radix^minlen must reach this (SP 800-38G Rev.1 domain rule, enforced by cosmian_fpe). */
export const MIN_DOMAIN_SIZE = 1_000_000;
export const MAX_RADIX = 65_536;
export const MAX_LENGTH = 0xffff_ffff;

export interface Ff1Options {
  /** Feistel rounds: an even number in 8..254. Default 18 (Cosmian); 10 for NIST FF1. */
  rounds?: number;
}

const TWO_32 = 2 ** 32;

function checkRadix(radix: number): void {
  if (!Number.isInteger(radix) || radix < 2 || radix > MAX_RADIX) {
    throw new FpeError("RADIX", `FF1 radix must be an integer between 2 and ${MAX_RADIX}, got ${radix}`);
  }
}

/** Smallest n >= 2 with radix^n >= 1 000 000 (exact integer rule; equals cosmian_fpe's f64 rule). */
export function minLength(radix: number): number {
  checkRadix(radix);
  let n = 1;
  for (let p = radix; p < MIN_DOMAIN_SIZE; p *= radix) n++;
  return Math.max(n, 2);
}

/** Key sizes: NIST mode takes AES-128/192/256; any other round count is Cosmian's AES-256-only FF1. */
function cipherName(key: Uint8Array, rounds: number): string {
  if (!(key instanceof Uint8Array)) throw new TypeError("FF1 key must be a Uint8Array");
  if (rounds === NIST_ROUNDS) {
    if (key.length === 16 || key.length === 24 || key.length === 32) return `aes-${key.length * 8}-ecb`;
    throw new FpeError("KEY_SIZE", `FF1 key must be 16, 24 or 32 bytes (AES-128/192/256), got ${key.length} bytes`);
  }
  if (key.length !== 32) {
    throw new FpeError("KEY_SIZE", `FF1 with ${rounds} rounds requires a 32-byte AES-256 key, got ${key.length} bytes`);
  }
  return "aes-256-ecb";
}

/**
 * An FF1 instance for one key and radix (like cosmian_fpe's `FF1fr::new(key, radix)`). It keeps a
 * node:crypto cipher object holding the key schedule: drop the instance when done with the key.
 */
export class Ff1 {
  readonly radix: number;
  readonly rounds: number;
  readonly minLength: number;
  #ecb: Cipheriv;
  #block = new Uint8Array(16);

  constructor(key: Uint8Array, radix: number, options: Ff1Options = {}) {
    const rounds = options.rounds ?? COSMIAN_ROUNDS;
    if (!Number.isInteger(rounds) || rounds < 8 || rounds > 254 || rounds % 2 !== 0) {
      throw new FpeError("ROUNDS", `FF1 rounds must be an even integer between 8 and 254, got ${rounds}`);
    }
    this.minLength = minLength(radix);
    this.radix = radix;
    this.rounds = rounds;
    this.#ecb = createCipheriv(cipherName(key, rounds), key, null);
    this.#ecb.setAutoPadding(false);
  }

  /** Encrypts a numeral string (each numeral < radix). Returns a new Uint16Array. */
  encrypt(tweak: Uint8Array, x: ArrayLike<number>): Uint16Array {
    return this.#crypt(tweak, x, false);
  }

  /** Decrypts a numeral string produced by `encrypt` with the same key, radix, rounds and tweak. */
  decrypt(tweak: Uint8Array, x: ArrayLike<number>): Uint16Array {
    return this.#crypt(tweak, x, true);
  }

  #crypt(tweak: Uint8Array, x: ArrayLike<number>, decrypt: boolean): Uint16Array {
    if (!(tweak instanceof Uint8Array)) throw new TypeError("FF1 tweak must be a Uint8Array");
    const n = x.length;
    const radix = this.radix;
    if (n < this.minLength) {
      throw new FpeError("TOO_SHORT", `The given numeral string is too short for FF1 (${n} < ${this.minLength})`);
    }
    if (n > MAX_LENGTH)
      throw new FpeError("TOO_LONG", `The given numeral string is too long for FF1 (${n} > ${MAX_LENGTH})`);
    for (let j = 0; j < n; j++) {
      const digit = x[j];
      if (!(digit >= 0 && digit < radix && Number.isInteger(digit))) {
        throw new FpeError("NUMERAL", `The given numeral string is invalid for radix ${radix} (numeral ${j})`);
      }
    }
    const t = tweak.length;
    if (t > MAX_LENGTH) throw new FpeError("TOO_LONG", "The tweak is longer than 2^32 - 1 bytes");
    const plan = planFor(radix, n);
    const { u, b } = plan;

    // P || T || 0^pad || [i] || NUM(.) is a whole number of blocks; only [i] and NUM(.) change per round.
    const pad = (((-t - b - 1) % 16) + 16) % 16;
    const roundPos = 16 + t + pad;
    const total = roundPos + 1 + b;
    const buf = new Uint8Array(total);
    buf.set([1, 2, 1, (radix >>> 16) & 0xff, (radix >>> 8) & 0xff, radix & 0xff, 10, u & 0xff]);
    new DataView(buf.buffer).setUint32(8, n);
    new DataView(buf.buffer).setUint32(12, t);
    buf.set(tweak, 16);
    const fixed = roundPos & ~15;
    const state: Round = { buf, roundPos, fixed, h: new Uint8Array(16) };
    for (let off = 0; off < fixed; off += 16) state.h = this.#mac(state.h, buf, off);

    const out = new Uint16Array(n);
    if (plan.small) this.#roundsSmall(state, plan, x, out, decrypt);
    else this.#roundsBig(state, plan, x, out, decrypt);
    buf.fill(0);
    wipeBytes(state.h);
    this.#block.fill(0);
    return out;
  }

  /** One CBC-MAC step: E(K, block xor h). */
  #mac(h: Uint8Array, buf: Uint8Array, off: number): Uint8Array {
    const x = this.#block; // update() copies its input, so one scratch block serves every call
    for (let j = 0; j < 16; j++) x[j] = buf[off + j] ^ h[j];
    return this.#ecb.update(x);
  }

  /** R = PRF(P || Q) continued from the shared prefix state; then S = first d bytes of R || E(R^[1]) || ... */
  #prf(s: Round, d: number): Uint8Array {
    let r = s.h;
    for (let off = s.fixed; off < s.buf.length; off += 16) r = this.#mac(r, s.buf, off);
    if (d <= 16) return r;
    const extra = Math.ceil(d / 16) - 1;
    const blocks = new Uint8Array(16 * extra);
    for (let j = 1; j <= extra; j++) {
      const o = 16 * (j - 1);
      blocks.set(r, o);
      blocks[o + 15] ^= j & 0xff;
      blocks[o + 14] ^= (j >>> 8) & 0xff;
      blocks[o + 13] ^= (j >>> 16) & 0xff;
      blocks[o + 12] ^= (j >>> 24) & 0xff;
    }
    const sBytes = new Uint8Array(16 + 16 * extra);
    const encrypted = this.#ecb.update(blocks); // independent blocks: one native call
    sBytes.set(r);
    sBytes.set(encrypted, 16);
    wipeBytes(blocks);
    wipeBytes(encrypted);
    wipeBytes(r);
    return sBytes;
  }

  #roundsSmall(s: Round, plan: Plan, x: ArrayLike<number>, out: Uint16Array, decrypt: boolean): void {
    const { u, v, b, d, modUn, modVn } = plan;
    const radix = this.radix;
    let a = 0;
    let bb = 0;
    for (let j = 0; j < u; j++) a = a * radix + x[j];
    for (let j = u; j < u + v; j++) bb = bb * radix + x[j];
    const buf = s.buf;
    const numPos = s.roundPos + 1;
    for (let k = 0; k < this.rounds; k++) {
      const i = decrypt ? this.rounds - 1 - k : k;
      buf[s.roundPos] = i;
      // NUM(.) as b <= 5 bytes: low 32 bits with integer ops, the rest from the high part.
      const num = decrypt ? a : bb;
      let lo = num < TWO_32 ? num >>> 0 : num % TWO_32;
      let hi = num < TWO_32 ? 0 : (num - lo) / TWO_32;
      for (let j = b - 1; j >= 0; j--) {
        if (j >= b - 4) {
          buf[numPos + j] = lo & 0xff;
          lo >>>= 8;
        } else {
          buf[numPos + j] = hi & 0xff;
          hi >>>= 8;
        }
      }
      const r = this.#prf(s, d);
      const m = (i & 1) === 0 ? modUn : modVn;
      // y = NUM(S) mod m, 16 bits at a time: acc * 2^16 + word < 2^53 since m <= 2^37.
      let y = 0;
      for (let j = 0; j < d; j += 2) y = (y * 65536 + ((r[j] << 8) | r[j + 1])) % m;
      wipeBytes(r);
      if (decrypt) {
        let c = bb - y;
        if (c < 0) c += m;
        bb = a;
        a = c;
      } else {
        let c = a + y;
        if (c >= m) c -= m;
        a = bb;
        bb = c;
      }
    }
    for (let j = u - 1; j >= 0; j--) {
      out[j] = a % radix;
      a = Math.floor(a / radix);
    }
    for (let j = u + v - 1; j >= u; j--) {
      out[j] = bb % radix;
      bb = Math.floor(bb / radix);
    }
  }

  #roundsBig(s: Round, plan: Plan, x: ArrayLike<number>, out: Uint16Array, decrypt: boolean): void {
    const { u, v, b, d, modU, modV } = plan;
    let a = numRadix(plan, x, 0, u);
    let bb = numRadix(plan, x, u, u + v);
    const buf = s.buf;
    const numPos = s.roundPos + 1;
    // NUM(.) is written through an 8-byte-aligned scratch with setBigUint64, and NUM(S) read back
    // with getBigUint64: far cheaper than going through hex strings.
    const words = Math.ceil(b / 8);
    const scratch = new Uint8Array(8 * words);
    const view = new DataView(scratch.buffer);
    for (let k = 0; k < this.rounds; k++) {
      const i = decrypt ? this.rounds - 1 - k : k;
      buf[s.roundPos] = i;
      let num = decrypt ? a : bb;
      for (let w = words - 1; w >= 0; w--) {
        view.setBigUint64(8 * w, BigInt.asUintN(64, num));
        num >>= 64n;
      }
      buf.set(scratch.subarray(8 * words - b), numPos);
      const r = this.#prf(s, d);
      const rView = new DataView(r.buffer, r.byteOffset, d);
      let off = d % 8;
      let yy = off === 4 ? BigInt(rView.getUint32(0)) : 0n;
      for (; off < d; off += 8) yy = (yy << 64n) | rView.getBigUint64(off);
      wipeBytes(r);
      const m = (i & 1) === 0 ? modU : modV;
      const y = yy % m;
      if (decrypt) {
        let c = bb - y;
        if (c < 0n) c += m;
        bb = a;
        a = c;
      } else {
        let c = a + y;
        if (c >= m) c -= m;
        a = bb;
        bb = c;
      }
    }
    scratch.fill(0);
    strRadix(plan, a, out, 0, u);
    strRadix(plan, bb, out, u, u + v);
  }
}

/** Zeroes R/S; Uint8Array's fill, not Buffer's slower override (update() returns Buffers on Node). */
const wipeBytes = (b: Uint8Array): void => {
  Uint8Array.prototype.fill.call(b, 0);
};

interface Round {
  buf: Uint8Array; // P || T || 0^pad || [i] || NUM(.)
  roundPos: number; // index of [i]
  fixed: number; // bytes of buf already folded into h
  h: Uint8Array; // CBC-MAC state after buf[0..fixed)
}

/** One-shot FF1 encryption (default 18 rounds, Cosmian). */
export function encrypt(
  key: Uint8Array,
  radix: number,
  tweak: Uint8Array,
  x: ArrayLike<number>,
  options?: Ff1Options,
): Uint16Array {
  return new Ff1(key, radix, options).encrypt(tweak, x);
}

/** One-shot FF1 decryption (default 18 rounds, Cosmian). */
export function decrypt(
  key: Uint8Array,
  radix: number,
  tweak: Uint8Array,
  x: ArrayLike<number>,
  options?: Ff1Options,
): Uint16Array {
  return new Ff1(key, radix, options).decrypt(tweak, x);
}
