/**
 * User secret keys of CoverCrypt v14 (core/primitives.rs `keygen`, `refresh`, KMAC).
 * Format: docs/covercrypt-format.md, "Keys" and "Rekeying" (refresh).
 */
import { equalBytes } from "../bytes.ts";
import * as accessPolicy from "./access-policy.ts";
import { CoverCryptError } from "./errors.ts";
import { leb128Length, writeLeb128 } from "./bytes-io.ts";
import { kmacXof256, kmacXof256Spans } from "./kmac.ts";
import { bytesToScalar, invert, mod, randomScalar, SCALAR_LENGTH, scalarToBytes } from "./group.ts";
import * as nativeGroup from "./native-group.ts";
import { partitionKey, type Policy } from "./policy.ts";
import {
  deserializeUserSecretKey,
  KMAC_LENGTH,
  type MasterSecretKey,
  type SecretChain,
  type SecretSubkey,
  type UserSecretKey,
} from "./serialize.ts";

/**
 * KMACXOF256(K = msk.kmacKey, X = b ‖ (partition ‖ kyber_sk? ‖ x)* in serialized order,
 * L = 32, S = a). Undefined when the MSK has no KMAC key.
 */
export function computeKmac(msk: MasterSecretKey, usk: UserSecretKey): Uint8Array | undefined {
  if (!msk.kmacKey) return undefined;
  const parts: Uint8Array[] = [usk.b];
  for (const c of usk.subkeys) {
    for (const sk of c.chain) {
      parts.push(c.partition);
      if (sk.kyberSk) parts.push(sk.kyberSk);
      parts.push(sk.x);
    }
  }
  const mac = kmacXof256(msk.kmacKey, parts, KMAC_LENGTH, usk.a);
  return mac;
}

/** The KMAC check `refresh` performs; throws "The provided user key is corrupted." on mismatch. */
export function verifyKmac(msk: MasterSecretKey, usk: UserSecretKey): void {
  const expected = computeKmac(msk, usk);
  const ok = expected === undefined ? usk.kmac === undefined : usk.kmac !== undefined && equalBytes(expected, usk.kmac);
  if (!ok) throw new CoverCryptError("KeyError", "The provided user key is corrupted.");
}

const copySubkey = (sk: SecretSubkey): SecretSubkey => ({ kyberSk: sk.kyberSk?.slice(), x: sk.x.slice() });
const sameSubkey = (u: SecretSubkey, m: SecretSubkey): boolean =>
  equalBytes(u.x, m.x) &&
  (u.kyberSk === undefined ? m.kyberSk === undefined : m.kyberSk !== undefined && equalBytes(u.kyberSk, m.kyberSk));

// 1/s2 per master secret key object (index.ts caches parsed MSKs, so this is computed once per MSK).
const s2Inverses = new WeakMap<MasterSecretKey, Uint8Array>();

/** Wipes what keygen remembered about `msk` (called when a cached MSK is evicted). */
export function forgetMaster(msk: MasterSecretKey): void {
  s2Inverses.get(msk)?.fill(0);
  s2Inverses.delete(msk);
}

/** b = (s − a·s1)/s2 mod ℓ: natively (constant-time, bytes only) when the addon is there. */
function splitSecret(msk: MasterSecretKey, a: Uint8Array): Uint8Array {
  const r = nativeGroup.native();
  if (r) {
    let inv = s2Inverses.get(msk);
    if (!inv) {
      inv = new Uint8Array(32);
      if (r.scalarInvert(inv, msk.s2)) s2Inverses.set(msk, inv);
      else inv = undefined;
    }
    const b = new Uint8Array(32);
    if (inv && r.splitSecret(b, msk.s, a, msk.s1, inv)) return b;
  }
  const s = bytesToScalar(msk.s),
    s1 = bytesToScalar(msk.s1),
    s2 = bytesToScalar(msk.s2);
  return scalarToBytes(mod((s - bytesToScalar(a) * s1) * invert(s2)));
}

/**
 * The serialized user key for the scalar `a` and these partitions (keyed by `partitionKey`, each
 * given the newest MSK subkey), i.e. `serializeUserSecretKey` of the key `keygen` builds, written once into a buffer of
 * the exact size: a ‖ b ‖ LEB128(n) ‖ (vec(partition) ‖ LEB128(1) ‖ option(kyber_sk) ‖ x)* ‖ kmac?,
 * the KMAC taken over the pieces it covers in place (b, then partition and kyber_sk? ‖ x of each).
 * `keygen` draws `a` at random; tests give it to compare paths byte for byte.
 */
export function userKeyBytes(
  msk: MasterSecretKey,
  partitions: ReadonlyMap<string, Uint8Array>,
  a: Uint8Array,
): Uint8Array {
  const latest: [Uint8Array, SecretSubkey][] = [];
  let size = 2 * SCALAR_LENGTH + (msk.kmacKey ? KMAC_LENGTH : 0);
  for (const [key, partition] of partitions) {
    const sk = msk.subkeys.get(key)?.chain[0];
    if (!sk) throw new CoverCryptError("KeyError", "Master secret key and Policy are not in sync.");
    latest.push([partition, sk]);
    size += leb128Length(partition.length) + partition.length + 2 + (sk.kyberSk?.length ?? 0) + sk.x.length;
  }
  size += leb128Length(latest.length);
  const out = new Uint8Array(size);
  const spans = new Uint32Array(2 + 4 * latest.length);
  out.set(a, 0);
  const b = splitSecret(msk, a);
  out.set(b, SCALAR_LENGTH);
  b.fill(0);
  spans[0] = SCALAR_LENGTH;
  spans[1] = SCALAR_LENGTH;
  let o = writeLeb128(out, 2 * SCALAR_LENGTH, latest.length);
  let j = 2;
  for (const [partition, sk] of latest) {
    o = writeLeb128(out, o, partition.length);
    spans[j++] = o;
    spans[j++] = partition.length;
    out.set(partition, o);
    o += partition.length;
    out[o++] = 1; // one subkey in the chain
    out[o++] = sk.kyberSk ? 1 : 0;
    const start = o;
    if (sk.kyberSk) {
      out.set(sk.kyberSk, o);
      o += sk.kyberSk.length;
    }
    out.set(sk.x, o);
    o += sk.x.length;
    spans[j++] = start;
    spans[j++] = o - start;
  }
  if (msk.kmacKey) kmacXof256Spans(msk.kmacKey, out, spans, out.subarray(o, o + KMAC_LENGTH), a);
  return out;
}

/**
 * `Covercrypt::generate_user_secret_key`, serialized: partitions of the access policy **with**
 * cascade, each holding a copy of the newest MSK subkey; a·s1 + b·s2 = s.
 */
export function keygenBytes(
  policy: Policy,
  msk: MasterSecretKey,
  access: string | accessPolicy.AccessPolicy,
): Uint8Array {
  const partitions =
    typeof access === "string"
      ? accessPolicy.sharedPartitions(access, policy, true)
      : accessPolicy.toPartitions(access, policy, true);
  const a = randomScalar();
  try {
    return userKeyBytes(msk, partitions, a);
  } finally {
    a.fill(0);
  }
}

/** `keygenBytes`, parsed. */
export function keygen(
  policy: Policy,
  msk: MasterSecretKey,
  access: string | accessPolicy.AccessPolicy,
): UserSecretKey {
  const bytes = keygenBytes(policy, msk, access);
  try {
    return deserializeUserSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * `Covercrypt::refresh_user_secret_key`: after a rekey/prune/update, bring a user key up to date
 * from its own content (never from a label): verify its KMAC, drop partitions the MSK no longer
 * has, then per partition either only the newest MSK subkey (`keepOldRights` false) or the MSK
 * subkeys newer than the user's newest, followed by the user's subkeys while they still match the
 * MSK chain. Never adds partitions. Returns a new key.
 */
export function refresh(msk: MasterSecretKey, usk: UserSecretKey, keepOldRights: boolean): UserSecretKey {
  verifyKmac(msk, usk);
  const subkeys: SecretChain[] = [];
  for (const c of usk.subkeys) {
    const mskChain = msk.subkeys.get(partitionKey(c.partition))?.chain;
    if (!mskChain || c.chain.length === 0) continue;
    const candidates = keepOldRights ? mskChain : mskChain.slice(0, 1);
    const [first, ...older] = c.chain;
    const chain: SecretSubkey[] = [];
    let i = 0;
    for (; i < candidates.length; i++) {
      if (sameSubkey(first, candidates[i])) {
        chain.push(copySubkey(first));
        i++;
        break;
      }
      chain.push(copySubkey(candidates[i]));
    }
    for (const sk of older) {
      if (i >= candidates.length || !sameSubkey(sk, candidates[i])) break;
      chain.push(copySubkey(sk));
      i++;
    }
    subkeys.push({ partition: c.partition.slice(), chain });
  }
  const out: UserSecretKey = { a: usk.a.slice(), b: usk.b.slice(), subkeys };
  out.kmac = computeKmac(msk, out);
  return out;
}
