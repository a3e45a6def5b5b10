/**
 * Master key pair of CoverCrypt v14 (core/primitives.rs): `setup`, and the key-management steps
 * the KMS rekey actions need: `update` (sync keys after a policy edit), `rekey` (new secrets for
 * the partitions of an access policy) and `prune` (drop old secrets). Formats: docs/covercrypt-format.md,
 * "Keys" and "Rekeying". Each function returns new key objects and leaves its inputs untouched (secrets are copied, so
 * wiping an old key never damages a new one).
 */
import { randomBytes } from "../random.ts";
import * as accessPolicy from "./access-policy.ts";
import { CoverCryptError } from "./errors.ts";
import { bytesToScalar, L, randomScalar } from "./group.ts";
import * as kyber from "./kyber.ts";
import { allPartitions, type EncryptionHint, type Policy } from "./policy.ts";
import {
  KMAC_KEY_LENGTH,
  type MasterPublicKey,
  type MasterSecretKey,
  type PublicSubkey,
  type SecretChain,
  type SecretSubkey,
} from "./serialize.ts";
import { baseMulToBytes } from "./sodium-group.ts";

export interface MasterKeys {
  msk: MasterSecretKey;
  mpk: MasterPublicKey;
}

/** H = x·h with h = s·G, computed as (x·s)·G: a fixed-base multiplication. */
const subkeyPoint = (s: bigint, x: Uint8Array): Uint8Array => baseMulToBytes((s * bytesToScalar(x)) % L);

function newSubkeyPair(
  s: bigint,
  partition: Uint8Array,
  hint: EncryptionHint | boolean,
): { pub: PublicSubkey; sec: SecretSubkey } {
  const x = randomScalar();
  const H = subkeyPoint(s, x);
  if (hint === "Hybridized" || hint === true) {
    const { publicKey, secretKey } = kyber.keygen();
    return { pub: { partition, kyberPk: publicKey, h: H }, sec: { kyberSk: secretKey, x } };
  }
  return { pub: { partition, h: H }, sec: { x } };
}

const copySubkey = (sk: SecretSubkey): SecretSubkey => ({ kyberSk: sk.kyberSk?.slice(), x: sk.x.slice() });

export function cloneMasterSecretKey(msk: MasterSecretKey): MasterSecretKey {
  const subkeys = new Map<string, SecretChain>();
  for (const [k, c] of msk.subkeys) subkeys.set(k, { partition: c.partition.slice(), chain: c.chain.map(copySubkey) });
  return { s: msk.s.slice(), s1: msk.s1.slice(), s2: msk.s2.slice(), subkeys, kmacKey: msk.kmacKey?.slice() };
}

export function cloneMasterPublicKey(mpk: MasterPublicKey): MasterPublicKey {
  const subkeys = new Map<string, PublicSubkey>();
  for (const [k, s] of mpk.subkeys)
    subkeys.set(k, { partition: s.partition.slice(), kyberPk: s.kyberPk?.slice(), h: s.h.slice() });
  return { g1: mpk.g1.slice(), g2: mpk.g2.slice(), subkeys };
}

/** `Covercrypt::generate_master_keys`: one subkey per partition of the universe. */
export function setup(policy: Policy): MasterKeys {
  const s = randomScalar();
  const s1 = randomScalar();
  const s2 = randomScalar();
  const sVal = bytesToScalar(s);
  const msk: MasterSecretKey = { s, s1, s2, subkeys: new Map(), kmacKey: undefined };
  const mpk: MasterPublicKey = {
    g1: baseMulToBytes(bytesToScalar(s1)),
    g2: baseMulToBytes(bytesToScalar(s2)),
    subkeys: new Map(),
  };
  for (const [key, info] of allPartitions(policy)) {
    const { pub, sec } = newSubkeyPair(sVal, info.partition, info.hint);
    msk.subkeys.set(key, { partition: info.partition, chain: [sec] });
    if (info.status === "EncryptDecrypt") mpk.subkeys.set(key, pub);
  }
  msk.kmacKey = randomBytes(KMAC_KEY_LENGTH);
  return { msk, mpk };
}

/**
 * `Covercrypt::update_master_keys`: after a policy edit, drop partitions that left the universe,
 * add new ones, refresh public subkeys, add Kyber keys to partitions that became Hybridized (never
 * removed), and remove public subkeys of DecryptOnly partitions.
 */
export function update(policy: Policy, msk: MasterSecretKey, mpk: MasterPublicKey): MasterKeys {
  const universe = allPartitions(policy);
  const newMsk = cloneMasterSecretKey(msk);
  const newMpk = cloneMasterPublicKey(mpk);
  for (const k of [...newMsk.subkeys.keys()]) if (!universe.has(k)) newMsk.subkeys.delete(k);
  for (const k of [...newMpk.subkeys.keys()]) if (!universe.has(k)) newMpk.subkeys.delete(k);
  const sVal = bytesToScalar(newMsk.s);
  for (const [key, info] of universe) {
    const chain = newMsk.subkeys.get(key);
    const latest = chain?.chain[0];
    const hybrid = info.hint === "Hybridized";
    if (latest) {
      const pub = newMpk.subkeys.get(key);
      if (info.status === "EncryptDecrypt") {
        if (!pub) {
          // Cosmian hits `unreachable!()` (a panic) when a DecryptOnly partition is re-enabled
          throw new CoverCryptError("KeyError", "Cannot re-enable a partition whose public subkey was removed.");
        }
        pub.h = subkeyPoint(sVal, latest.x);
        if (hybrid) {
          if (!pub.kyberPk) {
            const kp = kyber.keygen();
            pub.kyberPk = kp.publicKey;
            latest.kyberSk = kp.secretKey;
          } else if (!latest.kyberSk) {
            throw new CoverCryptError("KeyError", "Kyber public key cannot be computed from the secret key.");
          }
        }
      } else {
        if (pub) newMpk.subkeys.delete(key);
        if (hybrid && !latest.kyberSk) latest.kyberSk = kyber.keygen().secretKey;
      }
    } else {
      const { pub, sec } = newSubkeyPair(sVal, info.partition, info.hint);
      if (chain) chain.chain.unshift(sec);
      else newMsk.subkeys.set(key, { partition: info.partition, chain: [sec] });
      if (info.status === "EncryptDecrypt") newMpk.subkeys.set(key, pub);
    }
  }
  return { msk: newMsk, mpk: newMpk };
}

/**
 * `Covercrypt::rekey_master_keys` (KMS action RekeyAccessPolicy): for each partition of the access
 * policy (no cascade), a new subkey (Kyber too iff the current one has Kyber) goes to the front of
 * its chain; the public subkey is replaced only where one exists (DecryptOnly stays absent).
 */
export function rekey(
  policy: Policy,
  access: string | accessPolicy.AccessPolicy,
  msk: MasterSecretKey,
  mpk: MasterPublicKey,
): MasterKeys {
  const targets = accessPolicy.toPartitions(access, policy, false);
  const newMsk = cloneMasterSecretKey(msk);
  const newMpk = cloneMasterPublicKey(mpk);
  const sVal = bytesToScalar(newMsk.s);
  for (const [key, partition] of targets) {
    const chain = newMsk.subkeys.get(key);
    const { pub, sec } = newSubkeyPair(sVal, partition, chain?.chain[0]?.kyberSk !== undefined);
    if (chain) chain.chain.unshift(sec);
    else newMsk.subkeys.set(key, { partition, chain: [sec] });
    if (newMpk.subkeys.has(key)) newMpk.subkeys.set(key, pub);
  }
  return { msk: newMsk, mpk: newMpk };
}

/**
 * `Covercrypt::prune_master_secret_key` (KMS action PruneAccessPolicy): keep only the newest subkey
 * of each targeted partition; ciphertexts made under older subkeys become undecryptable.
 */
export function prune(
  policy: Policy,
  access: string | accessPolicy.AccessPolicy,
  msk: MasterSecretKey,
): MasterSecretKey {
  const targets = accessPolicy.toPartitions(access, policy, false);
  const newMsk = cloneMasterSecretKey(msk);
  for (const key of targets.keys()) {
    const chain = newMsk.subkeys.get(key);
    if (chain && chain.chain.length > 1) {
      for (const old of chain.chain.splice(1)) {
        old.x.fill(0);
        old.kyberSk?.fill(0);
      }
    }
  }
  return newMsk;
}
