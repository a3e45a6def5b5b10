/**
 * ristretto255 and its scalar field for CoverCrypt (curve25519-dalek 4 semantics as used by
 * cosmian_crypto_core 9): scalars are 32-byte little-endian canonical, random scalars are 64
 * random bytes reduced mod ℓ, points are RFC 9496 encodings. See docs/covercrypt-format.md, "Building blocks".
 *
 * Secrets live in Uint8Array (wipeable); they become bigint only inside one computation (bigints
 * cannot be wiped: a limit of doing this in JS). Faster paths live beside it: fixed-base.ts (tables
 * for the public points encapsulation reuses) and sodium-group.ts (libsodium, for decapsulation).
 */
import { ristretto255 } from "@noble/curves/ed25519.js";
import { randomBytes } from "../random.ts";
import { malformed } from "./errors.ts";
import * as nativeGroup from "./native-group.ts";

export const Point = ristretto255.Point;
export type Point = InstanceType<typeof ristretto255.Point>;
export const L = Point.Fn.ORDER;

export const SCALAR_LENGTH = 32;
export const POINT_LENGTH = 32;

/** Little-endian bytes to bigint, 8 bytes at a time (the byte loop cost ~1.3 µs per scalar). */
export function bytesToScalar(b: Uint8Array): bigint {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  let x = 0n;
  let i = b.length;
  for (; i >= 8 && i % 8 === 0; i -= 8) x = (x << 64n) | dv.getBigUint64(i - 8, true);
  for (; i > 0; i--) x = (x << 8n) | BigInt(b[i - 1]);
  return x;
}

const U64 = 0xffffffffffffffffn;

export function scalarToBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(SCALAR_LENGTH);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < SCALAR_LENGTH; i += 8) {
    dv.setBigUint64(i, x & U64, true);
    x >>= 64n;
  }
  return out;
}

/** Canonical scalar check (dalek `from_canonical_bytes`). */
export function checkScalar(b: Uint8Array): Uint8Array {
  if (b.length !== SCALAR_LENGTH || bytesToScalar(b) >= L) throw malformed("non-canonical scalar");
  return b;
}

/** dalek `Scalar::random`: 64 random bytes, wide reduction (natively when the addon is there). */
export function randomScalar(): Uint8Array {
  const wide = randomBytes(64);
  const r = nativeGroup.native();
  const out = r ? new Uint8Array(SCALAR_LENGTH) : scalarToBytes(bytesToScalar(wide) % L);
  r?.scalarReduce(out, wide);
  wide.fill(0);
  return out;
}

export const mod = (x: bigint): bigint => ((x % L) + L) % L;

export function invert(x: bigint): bigint {
  if (x === 0n) throw new RangeError("cannot invert the zero scalar");
  return Point.Fn.inv(x);
}

export function decodePoint(b: Uint8Array): Point {
  try {
    return Point.fromBytes(b);
  } catch {
    throw malformed("invalid ristretto255 point encoding");
  }
}

/** k·P, constant-time ladder where P is not cached; zero gives the identity (dalek accepts 0). */
export function mul(p: Point, k: bigint): Point {
  return k === 0n ? Point.ZERO : p.multiply(k);
}

export function baseMul(k: bigint): Point {
  return mul(Point.BASE, k);
}

// Decoded public points (MPK validation decodes the same keys on every call). Keys are the encodings.
const CACHE_LIMIT = 512;
const cache = new Map<string, Point>();

// One char per byte (windows-1252 is a bijection on bytes): an exact, natively built map key.
const latin1 = new TextDecoder("latin1");

/** An exact Map key for public bytes (point encodings, Kyber public keys). */
export function bytesKey(b: Uint8Array): string {
  return latin1.decode(b);
}

/** Decodes a public point once (validation included) and caches it, LRU-bounded. */
export function cachedPoint(encoding: Uint8Array): Point {
  const key = bytesKey(encoding);
  let p = cache.get(key);
  if (p) {
    cache.delete(key);
    cache.set(key, p);
    return p;
  }
  p = decodePoint(encoding);
  cache.set(key, p);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return p;
}

/** a·P + b·R with one shared doubling chain (4-bit windows), for decapsulation's a·c1 + b·c2. */
export function doubleMul(p: Point, a: bigint, r: Point, b: bigint): Point {
  const tp: Point[] = [Point.ZERO, p];
  const tr: Point[] = [Point.ZERO, r];
  for (let i = 2; i < 16; i++) {
    tp.push(tp[i - 1].add(p));
    tr.push(tr[i - 1].add(r));
  }
  let acc = Point.ZERO;
  for (let w = 63; w >= 0; w--) {
    if (w !== 63) acc = acc.double().double().double().double();
    const sh = BigInt(4 * w);
    // always add (the zero entry is the identity) so the operation count does not depend on digits
    acc = acc.add(tp[Number((a >> sh) & 15n)]).add(tr[Number((b >> sh) & 15n)]);
  }
  return acc;
}
