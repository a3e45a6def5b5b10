/**
 * Kyber768 IND-CPA public-key encryption (pqc_kyber 0.4.0 `indcpa_keypair/enc/dec`, round 3,
 * k=3, η1=η2=2, du=10, dv=4), which is what CoverCrypt v14 uses for hybridized partitions.
 * Round-3 indcpa_enc/dec are byte-identical to FIPS 203 K-PKE.Encrypt/Decrypt; only key generation
 * differs ((ρ,σ) = SHA3-512(d) here, SHA3-512(d‖k) in ML-KEM). See docs/covercrypt-format.md, "Building blocks".
 * Written on @noble/hashes because no @noble/post-quantum version exports the IND-CPA layer.
 * Not constant time (JS numbers); secret polynomials are wiped after use.
 */
import { sha3_512, shake128 } from "@noble/hashes/sha3.js";
import { shake256 } from "./shake.ts";
import { randomBytes } from "../random.ts";

const N = 256;
const Q = 3329;
const K = 3;
const ETA = 2;
const DU = 10;
const DV = 4;

export const PUBLIC_KEY_LENGTH = 384 * K + 32; // 1184
export const SECRET_KEY_LENGTH = 384 * K; // 1152
export const CIPHERTEXT_LENGTH = 32 * (DU * K + DV); // 1088
export const MESSAGE_LENGTH = 32;

type Poly = Int32Array;

// Branch-free reductions (secret data; and unpredictable branches cost more than they save).
const modq = (x: number) => x + ((x >> 31) & Q); // x in (−Q, Q)
const subq = (x: number) => modq(x - Q); // x in [0, 2Q)

function bitRev7(i: number): number {
  let r = 0;
  for (let b = 0; b < 7; b++) r |= ((i >> b) & 1) << (6 - b);
  return r;
}
function powMod(b: number, e: number): number {
  let r = 1;
  for (let i = 0; i < e; i++) r = (r * b) % Q;
  return r;
}
const ZETAS = Int32Array.from({ length: 128 }, (_, i) => powMod(17, bitRev7(i)));
const GAMMAS = Int32Array.from({ length: 128 }, (_, i) => powMod(17, 2 * bitRev7(i) + 1));

// Coefficients stay in [0, Q): sums and differences are brought back by a branch-free
// conditional subtraction (cheaper than %), products by %.
function ntt(f: Poly): Poly {
  let k = 1;
  for (let len = 128; len >= 2; len >>= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = ZETAS[k++];
      for (let j = start; j < start + len; j++) {
        const t = (zeta * f[j + len]) % Q;
        const a = f[j];
        f[j + len] = modq(a - t);
        f[j] = subq(a + t);
      }
    }
  }
  return f;
}

function invNtt(f: Poly): Poly {
  let k = 127;
  for (let len = 2; len <= 128; len <<= 1) {
    for (let start = 0; start < N; start += 2 * len) {
      const zeta = ZETAS[k--];
      for (let j = start; j < start + len; j++) {
        const t = f[j];
        const b = f[j + len];
        f[j] = subq(t + b);
        f[j + len] = (zeta * (b - t + Q)) % Q;
      }
    }
  }
  for (let j = 0; j < N; j++) f[j] = (f[j] * 3303) % Q;
  return f;
}

/** acc += f ∘ g in the NTT domain. */
function mulAcc(acc: Poly, f: Poly, g: Poly): void {
  for (let i = 0; i < 128; i++) {
    const a0 = f[2 * i],
      a1 = f[2 * i + 1],
      b0 = g[2 * i],
      b1 = g[2 * i + 1];
    acc[2 * i] = (acc[2 * i] + a0 * b0 + ((a1 * b1) % Q) * GAMMAS[i]) % Q;
    acc[2 * i + 1] = (acc[2 * i + 1] + a0 * b1 + a1 * b0) % Q;
  }
}

/** SampleNTT(ρ‖a‖b) by rejection on a SHAKE128 stream. */
function sampleNtt(rho: Uint8Array, a: number, b: number): Poly {
  const seed = new Uint8Array(34);
  seed.set(rho);
  seed[32] = a;
  seed[33] = b;
  const xof = shake128.create({}).update(seed);
  const f = new Int32Array(N);
  let j = 0;
  const buf = new Uint8Array(168);
  while (j < N) {
    xof.xofInto(buf);
    for (let i = 0; i + 3 <= buf.length && j < N; i += 3) {
      const d1 = buf[i] | ((buf[i + 1] & 0x0f) << 8);
      const d2 = (buf[i + 1] >> 4) | (buf[i + 2] << 4);
      if (d1 < Q) f[j++] = d1;
      if (d2 < Q && j < N) f[j++] = d2;
    }
  }
  return f;
}

/** CBD_2(PRF(s, nonce)). */
function sampleCbd(s: Uint8Array, nonce: number): Poly {
  const input = new Uint8Array(33);
  input.set(s);
  input[32] = nonce;
  const b = shake256(input, 64 * ETA);
  const f = new Int32Array(N);
  for (let i = 0; i < N / 2; i++) {
    const byte = b[i];
    // each byte holds two coefficients: (b0+b1)-(b2+b3), (b4+b5)-(b6+b7)
    f[2 * i] = modq((byte & 1) + ((byte >> 1) & 1) - ((byte >> 2) & 1) - ((byte >> 3) & 1));
    f[2 * i + 1] = modq(((byte >> 4) & 1) + ((byte >> 5) & 1) - ((byte >> 6) & 1) - ((byte >> 7) & 1));
  }
  b.fill(0);
  input.fill(0);
  return f;
}

function encode(f: Poly, d: number, out: Uint8Array, offset: number): void {
  let acc = 0,
    bits = 0,
    o = offset;
  for (let i = 0; i < N; i++) {
    acc |= f[i] << bits;
    bits += d;
    while (bits >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
}

function decode(b: Uint8Array, offset: number, d: number): Poly {
  const f = new Int32Array(N);
  const mask = (1 << d) - 1;
  let acc = 0,
    bits = 0,
    o = offset;
  for (let i = 0; i < N; i++) {
    while (bits < d) {
      acc |= b[o++] << bits;
      bits += 8;
    }
    f[i] = acc & mask;
    acc >>>= d;
    bits -= d;
  }
  return f;
}

const compress = (f: Poly, d: number): Poly => f.map((x) => Math.floor(((x << d) + (Q >> 1)) / Q) & ((1 << d) - 1));
const decompress = (f: Poly, d: number): Poly => f.map((y) => (y * Q + (1 << (d - 1))) >> d);

/** Public-key material expanded once and reusable across encryptions (public data only). */
export interface PreparedPublicKey {
  tHat: Poly[];
  /** Âᵀ: aT[i][j] = Â[j][i] = SampleNTT(ρ‖i‖j). */
  aT: Poly[][];
}

export function preparePublicKey(publicKey: Uint8Array): PreparedPublicKey {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) throw new RangeError("Kyber768 public key must be 1184 bytes");
  const tHat = Array.from({ length: K }, (_, i) => decode(publicKey, 384 * i, 12).map((x) => x % Q));
  const rho = publicKey.subarray(384 * K);
  const aT = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => sampleNtt(rho, i, j)));
  return { tHat, aT };
}

/** Round-3 `indcpa_keypair` from a 32-byte seed (random by default). */
export function keygen(seed: Uint8Array = randomBytes(32)): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const g = sha3_512(seed);
  const rho = g.subarray(0, 32),
    sigma = g.subarray(32);
  const sHat = Array.from({ length: K }, (_, i) => ntt(sampleCbd(sigma, i)));
  const publicKey = new Uint8Array(PUBLIC_KEY_LENGTH);
  const secretKey = new Uint8Array(SECRET_KEY_LENGTH);
  for (let i = 0; i < K; i++) {
    const t = ntt(sampleCbd(sigma, K + i));
    for (let j = 0; j < K; j++) mulAcc(t, sampleNtt(rho, j, i), sHat[j]); // Â[i][j] = SampleNTT(ρ‖j‖i)
    encode(t, 12, publicKey, 384 * i);
    encode(sHat[i], 12, secretKey, 384 * i);
  }
  publicKey.set(rho, 384 * K);
  for (const s of sHat) s.fill(0);
  g.fill(0);
  return { publicKey, secretKey };
}

/** `indcpa_enc(m, pk, coins)`: 1088-byte ciphertext of a 32-byte message. */
export function encrypt(
  pk: Uint8Array | PreparedPublicKey,
  message: Uint8Array,
  coins: Uint8Array = randomBytes(32),
): Uint8Array {
  if (message.length !== MESSAGE_LENGTH || coins.length !== 32)
    throw new RangeError("Kyber message and coins must be 32 bytes");
  const { tHat, aT } = pk instanceof Uint8Array ? preparePublicKey(pk) : pk;
  const rHat = Array.from({ length: K }, (_, i) => ntt(sampleCbd(coins, i)));
  const out = new Uint8Array(CIPHERTEXT_LENGTH);
  for (let i = 0; i < K; i++) {
    const u = new Int32Array(N);
    for (let j = 0; j < K; j++) mulAcc(u, aT[i][j], rHat[j]);
    invNtt(u);
    const e1 = sampleCbd(coins, K + i);
    for (let n = 0; n < N; n++) u[n] = (u[n] + e1[n]) % Q;
    encode(compress(u, DU), DU, out, 320 * i);
    u.fill(0);
    e1.fill(0);
  }
  const v = new Int32Array(N);
  for (let j = 0; j < K; j++) mulAcc(v, tHat[j], rHat[j]);
  invNtt(v);
  const e2 = sampleCbd(coins, 2 * K);
  const m = decompress(decode(message, 0, 1), 1);
  for (let n = 0; n < N; n++) v[n] = (v[n] + e2[n] + m[n]) % Q;
  encode(compress(v, DV), DV, out, 320 * K);
  for (const p of [...rHat, v, e2, m]) p.fill(0);
  return out;
}

/** `indcpa_dec(c, sk)`: the 32-byte message. */
export function decrypt(secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (secretKey.length !== SECRET_KEY_LENGTH) throw new RangeError("Kyber768 secret key must be 1152 bytes");
  if (ciphertext.length !== CIPHERTEXT_LENGTH) throw new RangeError("Kyber768 ciphertext must be 1088 bytes");
  const w = new Int32Array(N);
  for (let i = 0; i < K; i++) {
    const u = decode(ciphertext, 320 * i, DU);
    for (let n = 0; n < N; n++) u[n] = (u[n] * Q + 512) >> DU; // decompress in place
    ntt(u);
    const s = decode(secretKey, 384 * i, 12);
    for (let n = 0; n < N; n++) s[n] = subq(s[n]); // 12-bit values are below 2Q
    mulAcc(w, s, u);
    s.fill(0);
  }
  invNtt(w);
  const v = decode(ciphertext, 320 * K, DV);
  const out = new Uint8Array(MESSAGE_LENGTH);
  for (let n = 0; n < N; n++) {
    const x = modq(((v[n] * Q + 8) >> DV) - w[n]); // decompress(v) − w, then compress to 1 bit
    out[n >> 3] |= (Math.floor(((x << 1) + (Q >> 1)) / Q) & 1) << (n & 7);
  }
  w.fill(0);
  return out;
}
