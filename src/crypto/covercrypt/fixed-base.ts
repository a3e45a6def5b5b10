/**
 * Fixed-base scalar multiplication for the public ristretto255 points encapsulation multiplies
 * over and over (an MPK's g1, g2 and H_i). Encapsulation computes c1 = r·g1, c2 = r·g2
 * and r·H_i (docs/covercrypt-format.md, "Ciphertext"); RFC 9496 §4.3.2 for the output encoding.
 *
 * Per point, a table of j·64^i·P (i < 43 windows of 6 bits, j < 64) in affine "Niels" form
 * (y+x, y−x, 2d·x·y) is built once (~2.8k additions and one batched inversion: a few ms, ~400 KB).
 * k·P is then the sum of one entry per 6-bit digit of k: 43 mixed additions (7 multiplications
 * each) and no doubling, against ~33 full additions plus 33 "fake" ones for @noble's 8-bit wNAF.
 * 6 bits was measured best: 8-bit tables (~1.2 MB) miss the cache once several points are in
 * use. Every digit adds an entry (entry 0 is the identity), so the operation count does not depend
 * on the secret scalar; like @noble, the table index does (no constant-time table scan).
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { D, decodeRistretto, encodeExtended, mod, P, type Affine } from "./field25519.ts";
import { bytesKey, scalarToBytes } from "./group.ts";

const Fp = ed25519.Point.Fp;

const BITS = 6; // measured best: 43 additions, and a table small enough to stay in cache
const WINDOWS = Math.ceil(253 / BITS); // scalars are below ℓ < 2^253
const ENTRIES = 1 << BITS;
const D2 = (2n * D) % P;

/** Entry j of window i at 3·(i·ENTRIES + j): y+x, y−x, 2d·x·y (interleaved for locality). */
type Table = bigint[];

type Ext = [X: bigint, Y: bigint, Z: bigint, T: bigint];

/** Extended-coordinates addition (add-2008-hwcd-3, a = −1), reduced mod P. */
function add([X1, Y1, Z1, T1]: Ext, [X2, Y2, Z2, T2]: Ext): Ext {
  const A = ((Y1 - X1) * (Y2 - X2)) % P;
  const B = ((Y1 + X1) * (Y2 + X2)) % P;
  const C = (((T1 * D2) % P) * T2) % P;
  const D0 = (2n * Z1 * Z2) % P;
  const E = B - A,
    F = D0 - C,
    G = D0 + C,
    H = B + A;
  return [mod(E * F), mod(G * H), mod(F * G), mod(E * H)];
}

function buildTable({ x, y }: Affine): Table {
  const n = WINDOWS * ENTRIES;
  const pts: Ext[] = new Array(n);
  let base: Ext = [x, y, 1n, (x * y) % P];
  for (let i = 0; i < WINDOWS; i++) {
    let acc: Ext = [0n, 1n, 1n, 0n];
    for (let j = 0; j < ENTRIES; j++) {
      pts[i * ENTRIES + j] = acc;
      acc = add(acc, base);
    }
    base = acc; // 2^BITS·base
  }
  // to affine with one batched inversion (public values)
  const prefix: bigint[] = new Array(n);
  let acc = 1n;
  for (let k = 0; k < n; k++) {
    prefix[k] = acc;
    acc = (acc * pts[k][2]) % P;
  }
  let inv = Fp.inv(acc);
  const t: Table = new Array(3 * n);
  for (let k = n - 1; k >= 0; k--) {
    const zi = (inv * prefix[k]) % P;
    inv = (inv * pts[k][2]) % P;
    const ax = (pts[k][0] * zi) % P,
      ay = (pts[k][1] * zi) % P;
    t[3 * k] = (ay + ax) % P;
    t[3 * k + 1] = (ay - ax + P) % P;
    t[3 * k + 2] = (((ax * ay) % P) * D2) % P;
  }
  return t;
}

/** k·P as extended coordinates (unreduced), from P's table. */
function mulTable(t: Table, k: bigint): Ext {
  const digits = new Uint8Array(34);
  const kb = scalarToBytes(k);
  digits.set(kb);
  kb.fill(0);
  let X = 0n,
    Y = 1n,
    Z = 1n,
    T = 0n;
  for (let i = 0, o = 0; i < WINDOWS; i++, o += BITS) {
    const e = 3 * (i * ENTRIES + (((digits[o >> 3] | (digits[(o >> 3) + 1] << 8)) >> (o & 7)) & (ENTRIES - 1)));
    // ref10 ge_madd (a = −1), lazily reduced: values stay within a few multiples of P
    const A = ((Y - X) * t[e + 1]) % P;
    const B = ((Y + X) * t[e]) % P;
    const C = (T * t[e + 2]) % P;
    const D0 = 2n * Z;
    const E = B - A,
      F = D0 - C,
      G = D0 + C,
      H = B + A;
    X = (E * F) % P;
    Y = (G * H) % P;
    Z = (F * G) % P;
    T = (E * H) % P;
  }
  digits.fill(0);
  return [X, Y, Z, T];
}

// Tables of public points, keyed by encoding; LRU-bounded (each is ~400 KB).
const TABLE_LIMIT = 256;
const tables = new Map<string, Table>();

function tableFor(encoding: Uint8Array): Table {
  const key = bytesKey(encoding);
  let t = tables.get(key);
  if (t) {
    tables.delete(key);
  } else {
    t = buildTable(decodeRistretto(encoding));
    if (tables.size >= TABLE_LIMIT) tables.delete(tables.keys().next().value!);
  }
  tables.set(key, t);
  return t;
}

/** The ristretto255 encoding of k·P for a public point P given by its (valid) encoding. */
export function mulToBytes(encoding: Uint8Array, k: bigint): Uint8Array {
  const [X, Y, Z, T] = mulTable(tableFor(encoding), k);
  return encodeExtended(X, Y, Z, T);
}
