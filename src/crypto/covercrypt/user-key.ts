/**
 * User secret keys of CoverCrypt v14 (core/primitives.rs `keygen`, `refresh`, KMAC).
 * Format: docs/covercrypt-format.md, "Keys" and "Rekeying" (refresh).
 */
import { equalBytes } from "../bytes.ts";
import * as accessPolicy from "./access-policy.ts";
import { CoverCryptError } from "./errors.ts";
import { kmacXof256 } from "./kmac.ts";
import { bytesToScalar, invert, mod, randomScalar, scalarToBytes } from "./group.ts";
import * as nativeGroup from "./native-group.ts";
import { partitionKey, type Policy } from "./policy.ts";
import {
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
 * `Covercrypt::generate_user_secret_key`: partitions of the access policy **with** cascade, each
 * holding a copy of the newest MSK subkey; a·s1 + b·s2 = s.
 */
export function keygen(
  policy: Policy,
  msk: MasterSecretKey,
  access: string | accessPolicy.AccessPolicy,
): UserSecretKey {
  const partitions = accessPolicy.toPartitions(access, policy, true);
  const subkeys: SecretChain[] = [];
  for (const [key, partition] of partitions) {
    const latest = msk.subkeys.get(key)?.chain[0];
    if (!latest) throw new CoverCryptError("KeyError", "Master secret key and Policy are not in sync.");
    subkeys.push({ partition: partition.slice(), chain: [copySubkey(latest)] });
  }
  const a = randomScalar();
  const b = splitSecret(msk, a);
  const usk: UserSecretKey = { a, b, subkeys };
  usk.kmac = computeKmac(msk, usk);
  return usk;
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
