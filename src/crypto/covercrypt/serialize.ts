/**
 * CoverCrypt v14 key objects and their exact byte formats (core/serialization.rs).
 * Format: docs/covercrypt-format.md, "Keys". Partitions are kept in insertion order; Rust writes hash-map
 * order, which is arbitrary, so any order is valid on the wire.
 */
import { wipe } from "../bytes.ts";
import { ByteReader, ByteWriter } from "./bytes-io.ts";
import { cachedPoint, checkScalar, POINT_LENGTH, SCALAR_LENGTH } from "./group.ts";
import { PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH } from "./kyber.ts";
import { partitionKey } from "./policy.ts";

export const KMAC_KEY_LENGTH = 16;
export const KMAC_LENGTH = 32;

/** One revision of a partition secret: the scalar x and, when hybridized, a Kyber secret key. */
export interface SecretSubkey {
  kyberSk?: Uint8Array;
  x: Uint8Array;
}

export interface SecretChain {
  partition: Uint8Array;
  /** Newest first. */
  chain: SecretSubkey[];
}

export interface PublicSubkey {
  partition: Uint8Array;
  kyberPk?: Uint8Array;
  /** H = x_latest·(s·G). */
  h: Uint8Array;
}

export interface MasterSecretKey {
  s: Uint8Array;
  s1: Uint8Array;
  s2: Uint8Array;
  /** Keyed by `partitionKey(partition)`. */
  subkeys: Map<string, SecretChain>;
  kmacKey?: Uint8Array;
}

export interface MasterPublicKey {
  g1: Uint8Array;
  g2: Uint8Array;
  /** Keyed by `partitionKey(partition)`; DecryptOnly partitions are absent. */
  subkeys: Map<string, PublicSubkey>;
}

export interface UserSecretKey {
  a: Uint8Array;
  b: Uint8Array;
  /** In serialized order (the KMAC covers this order). */
  subkeys: SecretChain[];
  kmac?: Uint8Array;
}

function writeChain(w: ByteWriter, c: SecretChain): void {
  w.vec(c.partition).leb128(c.chain.length);
  for (const sk of c.chain) {
    if (sk.kyberSk) w.leb128(1).bytes(sk.kyberSk);
    else w.leb128(0);
    w.bytes(sk.x);
  }
}

function readChain(r: ByteReader): SecretChain {
  const partition = r.vec().slice();
  const n = r.leb128();
  const chain: SecretSubkey[] = [];
  for (let i = 0; i < n; i++) {
    // a flag other than 1 reads as "none", as in Rust
    const kyberSk = r.leb128() === 1 ? r.copy(SECRET_KEY_LENGTH) : undefined;
    chain.push({ kyberSk, x: checkScalar(r.copy(SCALAR_LENGTH)) });
  }
  return { partition, chain };
}

/** MSK = s1 ‖ s2 ‖ s ‖ LEB128(n) ‖ chains ‖ kmac_key? (note the s1, s2, s order). */
export function serializeMasterSecretKey(msk: MasterSecretKey): Uint8Array {
  const w = new ByteWriter().bytes(msk.s1).bytes(msk.s2).bytes(msk.s).leb128(msk.subkeys.size);
  for (const c of msk.subkeys.values()) writeChain(w, c);
  if (msk.kmacKey) w.bytes(msk.kmacKey);
  return w.finish();
}

export function deserializeMasterSecretKey(bytes: Uint8Array): MasterSecretKey {
  const r = new ByteReader(bytes);
  const s1 = checkScalar(r.copy(SCALAR_LENGTH));
  const s2 = checkScalar(r.copy(SCALAR_LENGTH));
  const s = checkScalar(r.copy(SCALAR_LENGTH));
  const n = r.leb128();
  const subkeys = new Map<string, SecretChain>();
  for (let i = 0; i < n; i++) {
    const c = readChain(r);
    subkeys.set(partitionKey(c.partition), c);
  }
  const kmacKey = r.remaining >= KMAC_KEY_LENGTH ? r.copy(KMAC_KEY_LENGTH) : undefined;
  r.end();
  return { s, s1, s2, subkeys, kmacKey };
}

/** MPK = g1 ‖ g2 ‖ LEB128(n) ‖ (vec(partition) ‖ option(kyber_pk) ‖ H)*. */
export function serializeMasterPublicKey(mpk: MasterPublicKey): Uint8Array {
  const w = new ByteWriter().bytes(mpk.g1).bytes(mpk.g2).leb128(mpk.subkeys.size);
  for (const sub of mpk.subkeys.values()) {
    w.vec(sub.partition);
    if (sub.kyberPk) w.leb128(1).bytes(sub.kyberPk);
    else w.leb128(0);
    w.bytes(sub.h);
  }
  return w.finish();
}

/**
 * Parses an MPK. Points are validated here (decoding is cached, see group.ts), so a malformed
 * key fails at parse time like in Rust. The returned object shares memory with `bytes`.
 */
export function deserializeMasterPublicKey(bytes: Uint8Array, validate = true): MasterPublicKey {
  const r = new ByteReader(bytes);
  const g1 = r.bytes(POINT_LENGTH);
  const g2 = r.bytes(POINT_LENGTH);
  const n = r.leb128();
  const subkeys = new Map<string, PublicSubkey>();
  for (let i = 0; i < n; i++) {
    const partition = r.vec();
    const kyberPk = r.leb128() === 1 ? r.bytes(PUBLIC_KEY_LENGTH) : undefined;
    const h = r.bytes(POINT_LENGTH);
    if (validate) cachedPoint(h);
    subkeys.set(partitionKey(partition), { partition, kyberPk, h });
  }
  r.end();
  if (validate) {
    cachedPoint(g1);
    cachedPoint(g2);
  }
  return { g1, g2, subkeys };
}

/** USK = a ‖ b ‖ LEB128(n) ‖ chains ‖ kmac?. */
export function serializeUserSecretKey(usk: UserSecretKey): Uint8Array {
  const w = new ByteWriter().bytes(usk.a).bytes(usk.b).leb128(usk.subkeys.length);
  for (const c of usk.subkeys) writeChain(w, c);
  if (usk.kmac) w.bytes(usk.kmac);
  return w.finish();
}

export function deserializeUserSecretKey(bytes: Uint8Array): UserSecretKey {
  const r = new ByteReader(bytes);
  const a = checkScalar(r.copy(SCALAR_LENGTH));
  const b = checkScalar(r.copy(SCALAR_LENGTH));
  const n = r.leb128();
  const subkeys: SecretChain[] = [];
  for (let i = 0; i < n; i++) {
    const c = readChain(r);
    if (c.chain.length > 0) subkeys.push(c); // RevisionVec::insert_new_chain drops empty chains
  }
  const kmac = r.remaining >= KMAC_LENGTH ? r.copy(KMAC_LENGTH) : undefined;
  r.end();
  return { a, b, subkeys, kmac };
}

function wipeChain(c: SecretChain): void {
  for (const sk of c.chain) wipe(sk.x, sk.kyberSk);
}

/** Overwrites every secret of a master secret key. */
export function wipeMasterSecretKey(msk: MasterSecretKey): void {
  wipe(msk.s, msk.s1, msk.s2, msk.kmacKey);
  for (const c of msk.subkeys.values()) wipeChain(c);
}

/** Overwrites every secret of a user secret key. */
export function wipeUserSecretKey(usk: UserSecretKey): void {
  wipe(usk.a, usk.b);
  for (const c of usk.subkeys) wipeChain(c);
}
