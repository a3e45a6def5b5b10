/**
 * Fixed-base scalar multiplication for the public ristretto255 points encapsulation multiplies
 * over and over (an MPK's g1, g2 and H_i). Spec: covercrypt-v14.md §4 (c1 = r·g1, c2 = r·g2,
 * r·H_i); RFC 9496 §4.3.2 for the output encoding.
 *
 * Per point, a table of j·256^i·P (i < 32 windows, j < 256) in affine "Niels" form
 * (y+x, y−x, 2d·x·y) is built once (~8k additions and one batched inversion, some 10 ms and ~1 MB).
 * k·P is then the sum of one entry per byte of k: 32 mixed additions (7 multiplications each)
 * and no doubling, against ~33 full additions for @noble's windowed method. Every byte adds an
 * entry (entry 0 is the identity), so the operation count does not depend on the secret scalar.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { D, decodeRistretto, encodeExtended, mod, P, type Affine } from "./field25519.ts";
import { scalarToBytes } from "./group.ts";

const Fp = ed25519.Point.Fp;

const WINDOWS = 32;
const ENTRIES = 256;
const D2 = (2n * D) % P;

interface Table {
  ypx: bigint[];
  ymx: bigint[];
  xy2d: bigint[];
}

type Ext = [X: bigint, Y: bigint, Z: bigint, T: bigint];

/** Extended-coordinates addition (add-2008-hwcd-3, a = −1), reduced mod P. */
function add([X1, Y1, Z1, T1]: Ext, [X2, Y2, Z2, T2]: Ext): Ext {
  const A = ((Y1 - X1) * (Y2 - X2)) % P;
  const B = ((Y1 + X1) * (Y2 + X2)) % P;
  const C = (((T1 * D2) % P) * T2) % P;
  const D0 = (2n * Z1 * Z2) % P;
  const E = B - A, F = D0 - C, G = D0 + C, H = B + A;
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
    base = acc; // 256·base
  }
  // to affine with one batched inversion (public values)
  const prefix: bigint[] = new Array(n);
  let acc = 1n;
  for (let k = 0; k < n; k++) {
    prefix[k] = acc;
    acc = (acc * pts[k][2]) % P;
  }
  let inv = Fp.inv(acc);
  const t: Table = { ypx: new Array(n), ymx: new Array(n), xy2d: new Array(n) };
  for (let k = n - 1; k >= 0; k--) {
    const zi = (inv * prefix[k]) % P;
    inv = (inv * pts[k][2]) % P;
    const ax = (pts[k][0] * zi) % P, ay = (pts[k][1] * zi) % P;
    t.ypx[k] = (ay + ax) % P;
    t.ymx[k] = (ay - ax + P) % P;
    t.xy2d[k] = (((ax * ay) % P) * D2) % P;
  }
  return t;
}

/** k·P as extended coordinates (unreduced), from P's table. */
function mulTable(t: Table, k: bigint): Ext {
  const digits = scalarToBytes(k);
  let X = 0n, Y = 1n, Z = 1n, T = 0n;
  for (let i = 0; i < WINDOWS; i++) {
    const e = i * ENTRIES + digits[i];
    // ref10 ge_madd (a = −1), lazily reduced: values stay within a few multiples of P
    const A = ((Y - X) * t.ymx[e]) % P;
    const B = ((Y + X) * t.ypx[e]) % P;
    const C = (T * t.xy2d[e]) % P;
    const D0 = 2n * Z;
    const E = B - A, F = D0 - C, G = D0 + C, H = B + A;
    X = (E * F) % P;
    Y = (G * H) % P;
    Z = (F * G) % P;
    T = (E * H) % P;
  }
  digits.fill(0);
  return [X, Y, Z, T];
}

// Tables of public points, keyed by encoding; LRU-bounded (each is ~1 MB).
const TABLE_LIMIT = 128;
const tables = new Map<string, Table>();

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function tableFor(encoding: Uint8Array): Table {
  let key = "";
  for (let i = 0; i < encoding.length; i++) key += HEX[encoding[i]];
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
