/**
 * AES-XTS (IEEE Std 1619-2007 / NIST SP 800-38E) with ciphertext stealing, for the KMS `XTS` mode:
 * key = Key1 || Key2 (32 bytes for XTS-AES-128, 64 for XTS-AES-256), 16-byte tweak taken as is
 * (the data unit number, little-endian, as OpenSSL reads its IV), data of at least 16 bytes.
 *
 * Built on AES-ECB because Bun's node:crypto has no `aes-*-xts`: the tweak chain T_j = E_K2(i)·α^j
 * is computed in JS, and the blocks go through one bulk ECB call. Like OpenSSL 3 (which the KMS
 * uses), encryption refuses Key1 == Key2; decryption accepts it.
 */
import { assertBytes } from "./cipher-errors.ts";
import { ecbDecryptor, ecbEncryptor } from "./aes-block.ts";
import { equalBytes, wipe } from "./bytes.ts";

export const TWEAK_LENGTH = 16;
const BLOCK = 16;

function split(key: Uint8Array, tweak: Uint8Array, data: Uint8Array): [Uint8Array, Uint8Array] {
  assertBytes(key, "AES-XTS key");
  assertBytes(tweak, "AES-XTS tweak");
  assertBytes(data, "AES-XTS data");
  if (key.length !== 32 && key.length !== 64) {
    throw new RangeError(
      `AES-XTS: invalid key length ${key.length} (expected 32 bytes for AES-128-XTS or 64 for AES-256-XTS)`,
    );
  }
  if (tweak.length !== TWEAK_LENGTH)
    throw new RangeError(`AES-XTS: invalid IV/nonce length ${tweak.length} (expected a ${TWEAK_LENGTH}-byte tweak)`);
  if (data.length < BLOCK)
    throw new RangeError(`AES-XTS: data length ${data.length} is too short (minimum one 16-byte block)`);
  const half = key.length / 2;
  return [key.subarray(0, half), key.subarray(half)];
}

/** T_0 = E_K2(tweak), then T_{j+1} = T_j · α in GF(2^128), little-endian (IEEE 1619 §5.2). */
function tweaks(k2: Uint8Array, tweak: Uint8Array, count: number): Uint8Array {
  const t = new Uint8Array(count * BLOCK);
  const first = ecbEncryptor(k2, "AES-XTS").update(tweak);
  t.set(first, 0);
  wipe(first);
  for (let j = 1; j < count; j++) {
    const prev = (j - 1) * BLOCK;
    const cur = j * BLOCK;
    let carry = 0;
    for (let i = 0; i < BLOCK; i++) {
      const b = t[prev + i];
      t[cur + i] = ((b << 1) | carry) & 0xff;
      carry = b >>> 7;
    }
    if (carry) t[cur] ^= 0x87;
  }
  return t;
}

function xorInto(dst: Uint8Array, a: Uint8Array, b: Uint8Array, length: number): void {
  for (let i = 0; i < length; i++) dst[i] = a[i] ^ b[i];
}

/** XEX over `blocks` whole blocks of `src` with tweaks starting at `t`, via one ECB call. */
function xexBlocks(run: (x: Uint8Array) => Uint8Array, src: Uint8Array, t: Uint8Array, dst: Uint8Array): void {
  const length = dst.length;
  if (length === 0) return;
  const x = new Uint8Array(length);
  xorInto(x, src, t, length);
  const y = run(x);
  xorInto(dst, y, t, length);
  wipe(x, y);
}

export function encrypt(key: Uint8Array, tweak: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const [k1, k2] = split(key, tweak, plaintext);
  if (equalBytes(k1, k2)) throw new RangeError("AES-XTS: the two key halves must differ");
  const m = Math.floor(plaintext.length / BLOCK);
  const r = plaintext.length % BLOCK;
  const t = tweaks(k2, tweak, r === 0 ? m : m + 1);
  const enc = ecbEncryptor(k1, "AES-XTS");
  const run = (x: Uint8Array) => enc.update(x);
  const out = new Uint8Array(plaintext.length);
  xexBlocks(run, plaintext, t, out.subarray(0, m * BLOCK));
  if (r > 0) {
    // Ciphertext stealing (IEEE 1619 §5.3.2): CC = last full block's output; C_m = CC[0..r];
    // C_{m-1} = XEX(P_m || CC[r..16], T_m).
    const last = (m - 1) * BLOCK;
    const pp = new Uint8Array(BLOCK);
    pp.set(plaintext.subarray(m * BLOCK), 0);
    pp.set(out.subarray(last + r, last + BLOCK), r);
    out.copyWithin(m * BLOCK, last, last + r);
    xexBlocks(run, pp, t.subarray(m * BLOCK), out.subarray(last, last + BLOCK));
    wipe(pp);
  }
  wipe(t);
  return out;
}

export function decrypt(key: Uint8Array, tweak: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const [k1, k2] = split(key, tweak, ciphertext);
  const m = Math.floor(ciphertext.length / BLOCK);
  const r = ciphertext.length % BLOCK;
  const t = tweaks(k2, tweak, r === 0 ? m : m + 1);
  const dec = ecbDecryptor(k1, "AES-XTS");
  const run = (x: Uint8Array) => dec.update(x);
  const out = new Uint8Array(ciphertext.length);
  const whole = r === 0 ? m : m - 1;
  xexBlocks(run, ciphertext, t, out.subarray(0, whole * BLOCK));
  if (r > 0) {
    // PP = XEX^-1(C_{m-1}, T_m); P_m = PP[0..r]; P_{m-1} = XEX^-1(C_m || PP[r..16], T_{m-1}).
    const last = (m - 1) * BLOCK;
    const pp = new Uint8Array(BLOCK);
    xexBlocks(run, ciphertext.subarray(last, last + BLOCK), t.subarray(m * BLOCK), pp);
    const cc = new Uint8Array(BLOCK);
    cc.set(ciphertext.subarray(m * BLOCK), 0);
    cc.set(pp.subarray(r), r);
    out.set(pp.subarray(0, r), m * BLOCK);
    xexBlocks(run, cc, t.subarray(last, last + BLOCK), out.subarray(last, last + BLOCK));
    wipe(pp, cc);
  }
  wipe(t);
  return out;
}
