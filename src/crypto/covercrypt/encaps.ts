/**
 * CoverCrypt v14 key encapsulation (core/primitives.rs `encaps`/`decaps`) and the byte format of
 * an `Encapsulation`. Spec: covercrypt-v14.md §4, §5.
 */
import { shake256 } from "@noble/hashes/sha3.js";
import { equalBytes, wipe } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import * as accessPolicy from "./access-policy.ts";
import { ByteReader, ByteWriter } from "./bytes-io.ts";
import { CoverCryptError } from "./errors.ts";
import { bytesToScalar, decodePoint, doubleMul, mul, POINT_LENGTH, preparedPoint, randomScalar, type Point } from "./group.ts";
import * as kyber from "./kyber.ts";
import type { Policy } from "./policy.ts";
import type { MasterPublicKey, SecretSubkey, UserSecretKey } from "./serialize.ts";

export const TAG_LENGTH = 16;
export const SYMMETRIC_KEY_LENGTH = 32;
const KEY_GEN_INFO = new TextEncoder().encode("key generation info");

/** One per targeted partition: the masked seed (classic) or its Kyber encryption (hybrid). */
export type KeyEncapsulation = { hybrid: false; e: Uint8Array } | { hybrid: true; ciphertext: Uint8Array };

export interface Encapsulation {
  c1: Uint8Array;
  c2: Uint8Array;
  tag: Uint8Array;
  encs: KeyEncapsulation[];
}

/** (tag ‖ K) = SHAKE256(seed ‖ "key generation info", 48). */
function tagAndKey(seed: Uint8Array): { tag: Uint8Array; key: Uint8Array } {
  const input = new Uint8Array(seed.length + KEY_GEN_INFO.length);
  input.set(seed);
  input.set(KEY_GEN_INFO, seed.length);
  const out = shake256(input, { dkLen: TAG_LENGTH + SYMMETRIC_KEY_LENGTH });
  input.fill(0);
  const res = { tag: out.slice(0, TAG_LENGTH), key: out.slice(TAG_LENGTH) };
  out.fill(0);
  return res;
}

const xor32 = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = a[i] ^ b[i];
  return out;
};

const kyberCache = new Map<string, kyber.PreparedPublicKey>();
function preparedKyber(pk: Uint8Array): kyber.PreparedPublicKey {
  let key = "";
  for (let i = 0; i < pk.length; i++) key += pk[i].toString(16).padStart(2, "0");
  let p = kyberCache.get(key);
  if (!p) {
    p = kyber.preparePublicKey(pk);
    kyberCache.set(key, p);
    if (kyberCache.size > 256) kyberCache.delete(kyberCache.keys().next().value!);
  }
  return p;
}

/**
 * Encapsulates a fresh 32-byte key for the partitions of `access` (no cascade). Whether an entry
 * is hybrid is decided by the MPK (a Kyber public key present), as in Cosmian.
 */
export function encaps(policy: Policy, mpk: MasterPublicKey, access: string | accessPolicy.AccessPolicy): { key: Uint8Array; encapsulation: Encapsulation } {
  const targets = accessPolicy.toPartitions(access, policy, false);
  const subkeys = [];
  for (const k of targets.keys()) {
    const sub = mpk.subkeys.get(k);
    if (!sub) {
      throw new CoverCryptError("KeyError", "Missing public key for this attribute, it appears that you are trying to encrypt for a disabled attribute.");
    }
    subkeys.push(sub);
  }
  const seed = randomBytes(32);
  const rBytes = randomScalar();
  const r = bytesToScalar(rBytes);
  const c1 = mul(preparedPoint(mpk.g1), r).toBytes();
  const c2 = mul(preparedPoint(mpk.g2), r).toBytes();
  const encs: KeyEncapsulation[] = [];
  for (const sub of subkeys) {
    const shared = mul(preparedPoint(sub.h), r).toBytes();
    const mask = shake256(shared, { dkLen: 32 });
    const e = xor32(mask, seed);
    wipe(shared, mask);
    if (sub.kyberPk) {
      encs.push({ hybrid: true, ciphertext: kyber.encrypt(preparedKyber(sub.kyberPk), e) });
      e.fill(0);
    } else encs.push({ hybrid: false, e });
  }
  const { tag, key } = tagAndKey(seed);
  wipe(seed, rBytes);
  return { key, encapsulation: { c1, c2, tag, encs } };
}

// Points already validated by readEncapsulation (ciphertext points are not worth an LRU slot).
const decoded = new WeakMap<Uint8Array, Point>();
const point = (b: Uint8Array): Point => decoded.get(b) ?? decodePoint(b);

/** BFS over the user's chains: the newest subkey of every partition first, then older ones. */
function bfs(usk: UserSecretKey): SecretSubkey[] {
  const out: SecretSubkey[] = [];
  const depth = Math.max(0, ...usk.subkeys.map((c) => c.chain.length));
  for (let d = 0; d < depth; d++) for (const c of usk.subkeys) if (d < c.chain.length) out.push(c.chain[d]);
  return out;
}

/**
 * Recovers the encapsulated key, or throws InsufficientAccessPolicy. Q = a·c1 + b·c2 = r·s·G; for
 * each user subkey the mask SHAKE256(x·Q) is computed once (lazily, in BFS order) and tried
 * against every entry; the first tag match wins (every match yields the same key).
 */
export function decaps(usk: UserSecretKey, enc: Encapsulation): Uint8Array {
  const Q: Point = doubleMul(point(enc.c1), bytesToScalar(usk.a), point(enc.c2), bytesToScalar(usk.b));
  const order = bfs(usk);
  // Many subkeys share the base Q: a small window table (512 additions, ~0.6 ms) then costs
  // ~64 additions per subkey instead of ~250 doublings.
  // Built lazily once two subkeys have failed, so keys that match early do not pay for it.
  let tried = 0;
  for (const sk of order) {
    if (tried++ === 2 && order.length > 3) Q.precompute(4, false);
    const shared = mul(Q, bytesToScalar(sk.x)).toBytes();
    const mask = shake256(shared, { dkLen: 32 });
    shared.fill(0);
    for (const E of enc.encs) {
      let e: Uint8Array;
      if (E.hybrid) {
        if (!sk.kyberSk) continue; // a classic subkey cannot open a hybrid entry
        e = kyber.decrypt(sk.kyberSk, E.ciphertext);
      } else e = E.e;
      const seed = xor32(mask, e);
      if (E.hybrid) e.fill(0);
      const { tag, key } = tagAndKey(seed);
      seed.fill(0);
      if (equalBytes(tag, enc.tag)) {
        mask.fill(0);
        return key;
      }
      key.fill(0);
    }
    mask.fill(0);
  }
  throw new CoverCryptError("InsufficientAccessPolicy");
}

/** c1 ‖ c2 ‖ tag ‖ LEB128(n) ‖ (LEB128(0) ‖ e(32) | LEB128(1) ‖ kyber_ct(1088))*. */
export function writeEncapsulation(w: ByteWriter, enc: Encapsulation): ByteWriter {
  w.bytes(enc.c1).bytes(enc.c2).bytes(enc.tag).leb128(enc.encs.length);
  for (const E of enc.encs) {
    if (E.hybrid) w.leb128(1).bytes(E.ciphertext);
    else w.leb128(0).bytes(E.e);
  }
  return w;
}

export function readEncapsulation(r: ByteReader): Encapsulation {
  const c1 = r.bytes(POINT_LENGTH);
  const c2 = r.bytes(POINT_LENGTH);
  decoded.set(c1, decodePoint(c1));
  decoded.set(c2, decodePoint(c2));
  const tag = r.bytes(TAG_LENGTH);
  const n = r.leb128();
  const encs: KeyEncapsulation[] = [];
  for (let i = 0; i < n; i++) {
    // a kind other than 1 reads as classic, as in Rust
    if (r.leb128() === 1) encs.push({ hybrid: true, ciphertext: r.bytes(kyber.CIPHERTEXT_LENGTH) });
    else encs.push({ hybrid: false, e: r.bytes(32) });
  }
  return { c1, c2, tag, encs };
}

export function serializeEncapsulation(enc: Encapsulation): Uint8Array {
  return writeEncapsulation(new ByteWriter(), enc).finish();
}

export function deserializeEncapsulation(bytes: Uint8Array): Encapsulation {
  const r = new ByteReader(bytes);
  const enc = readEncapsulation(r);
  r.end();
  return enc;
}
