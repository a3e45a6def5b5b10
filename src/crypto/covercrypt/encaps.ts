/**
 * CoverCrypt v14 key encapsulation (core/primitives.rs `encaps`) and the byte format of an
 * `Encapsulation`; decapsulation lives in decaps.ts and is re-exported here. Format:
 * docs/covercrypt-format.md, "Ciphertext".
 */
import { wipe } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import * as accessPolicy from "./access-policy.ts";
import type { ByteReader, ByteWriter } from "./bytes-io.ts";
import { CoverCryptError } from "./errors.ts";
import { mulToBytes } from "./fixed-base.ts";
import { bytesKey, bytesToScalar, POINT_LENGTH, randomScalar } from "./group.ts";
import {
  decodeCiphertextPoint,
  shake256,
  tagAndKey,
  TAG_LENGTH,
  xor32,
  type Encapsulation,
  type KeyEncapsulation,
} from "./kem-common.ts";
import * as kyber from "./kyber.ts";
import type { Policy } from "./policy.ts";
import type { MasterPublicKey } from "./serialize.ts";

export { decaps } from "./decaps.ts";
export { SYMMETRIC_KEY_LENGTH, TAG_LENGTH, type Encapsulation, type KeyEncapsulation } from "./kem-common.ts";

const kyberCache = new Map<string, kyber.PreparedPublicKey>();
function preparedKyber(pk: Uint8Array): kyber.PreparedPublicKey {
  const key = bytesKey(pk);
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
export function encaps(
  policy: Policy,
  mpk: MasterPublicKey,
  access: string | accessPolicy.AccessPolicy,
): { key: Uint8Array; encapsulation: Encapsulation } {
  const targets = accessPolicy.toPartitions(access, policy, false);
  const subkeys = [];
  for (const k of targets.keys()) {
    const sub = mpk.subkeys.get(k);
    if (!sub) {
      throw new CoverCryptError(
        "KeyError",
        "Missing public key for this attribute, it appears that you are trying to encrypt for a disabled attribute.",
      );
    }
    subkeys.push(sub);
  }
  const seed = randomBytes(32);
  const rBytes = randomScalar();
  const r = bytesToScalar(rBytes);
  const c1 = mulToBytes(mpk.g1, r);
  const c2 = mulToBytes(mpk.g2, r);
  const encs: KeyEncapsulation[] = [];
  for (const sub of subkeys) {
    const shared = mulToBytes(sub.h, r);
    const mask = shake256(shared, 32);
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
  decodeCiphertextPoint(c1);
  decodeCiphertextPoint(c2);
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
