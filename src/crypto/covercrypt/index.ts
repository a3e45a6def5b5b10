/**
 * CoverCrypt v14, byte-compatible with cosmian_cover_crypt 14.0.0 as bundled in cloudproof_js
 * 10.0.1. Formats and KMS semantics: docs/covercrypt-format.md.
 *
 * Two levels:
 *  - byte-level verbs mirroring cloudproof_js / the KMS (`generateMasterKeys`,
 *    `generateUserSecretKey`, `encrypt`, `decrypt`, `applyRekeyAction`, `refreshUserSecretKey`);
 *  - the object-level modules, re-exported as namespaces (`policy`, `policyEdit`, `accessPolicy`,
 *    `masterKeys`, `userKey`, `encapsulation`, `hybrid`, `serialize`, `kyber`).
 *
 * Policies are given as a parsed `Policy` or as JSON (bytes or text). Key bytes are exactly the
 * v14 serializations. Errors are `CoverCryptError` (`kind` = Cosmian's variant name).
 */
import { timingSafeEqual } from "node:crypto";
import { utf8 } from "../bytes.ts";
import * as accessPolicy from "./access-policy.ts";
import * as encapsulation from "./encaps.ts";
import { CoverCryptError } from "./errors.ts";
import * as hybrid from "./hybrid.ts";
import * as kyber from "./kyber.ts";
import * as masterKeys from "./master-keys.ts";
import * as policy from "./policy.ts";
import * as policyEdit from "./policy-edit.ts";
import * as serialize from "./serialize.ts";
import * as userKey from "./user-key.ts";
import { jsonError, parseJson, JsonObject } from "./json.ts";

export { accessPolicy, encapsulation, hybrid, kyber, masterKeys, policy, policyEdit, serialize, userKey };
export { CoverCryptError, type CoverCryptErrorKind } from "./errors.ts";
export type { Policy, Dimension, AttributeParameters, EncryptionHint, WriteStatus } from "./policy.ts";
export type {
  MasterSecretKey,
  MasterPublicKey,
  UserSecretKey,
  SecretSubkey,
  SecretChain,
  PublicSubkey,
} from "./serialize.ts";
export type { AccessPolicy } from "./access-policy.ts";
export type { EncryptOptions } from "./hybrid.ts";

export type PolicyInput = policy.Policy | Uint8Array | string;

// Parsed policies are cached by their JSON text, or by their bytes read as Latin-1 (one char per
// byte, a native copy, where decoding UTF-8 cost more than the lookup): the KMS hands us the same
// bytes on every call.
const policyCache = new Map<string, policy.Policy>();
function toPolicy(p: PolicyInput, strictV2: boolean): policy.Policy {
  if (typeof p === "object" && !(p instanceof Uint8Array)) return p;
  const key =
    (strictV2 ? "2" : "*") +
    (typeof p === "string" ? `t${p}` : `b${Buffer.from(p.buffer, p.byteOffset, p.length).toString("latin1")}`);
  let parsed = policyCache.get(key);
  if (!parsed) {
    const text = typeof p === "string" ? p : utf8.decode(p);
    parsed = strictV2 ? policy.parseV2(text) : policy.parse(text);
    policyCache.set(key, parsed);
    if (policyCache.size > 64) policyCache.delete(policyCache.keys().next().value!);
  }
  return parsed;
}

/** cloudproof_js `generateMasterKeys` (V1/legacy policies are converted, as Cosmian does). */
export function generateMasterKeys(p: PolicyInput): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const { msk, mpk } = masterKeys.setup(toPolicy(p, false));
  const secretKey = serialize.serializeMasterSecretKey(msk);
  serialize.wipeMasterSecretKey(msk);
  return { secretKey, publicKey: serialize.serializeMasterPublicKey(mpk) };
}

// Parsed master secret keys, by their exact bytes: user keys are generated in bursts from one MSK,
// and parsing (plus 1/s2, remembered per parsed key in user-key.ts) is then paid once. Bounded;
// an evicted key is wiped. The process holds these keys anyway while it serves requests. Looked up
// by the leading s1 ‖ s2 ‖ s and the length, then the whole encoding is compared in constant time
// (a rekeyed MSK keeps its scalars: its new bytes replace the entry).
const MSK_CACHE_LIMIT = 16;
const MSK_KEY_PREFIX = 3 * 32;
const mskCache = new Map<string, { bytes: Uint8Array; msk: serialize.MasterSecretKey }>();

function evictMaster(entry: { bytes: Uint8Array; msk: serialize.MasterSecretKey }): void {
  userKey.forgetMaster(entry.msk);
  serialize.wipeMasterSecretKey(entry.msk);
  entry.bytes.fill(0);
}

function parsedMasterSecretKey(bytes: Uint8Array): serialize.MasterSecretKey {
  const n = Math.min(bytes.length, MSK_KEY_PREFIX);
  const key = `${bytes.length}:${Buffer.from(bytes.buffer, bytes.byteOffset, n).toString("latin1")}`;
  let entry = mskCache.get(key);
  if (entry) {
    mskCache.delete(key);
    if (!timingSafeEqual(entry.bytes, bytes)) {
      evictMaster(entry);
      entry = undefined;
    }
  }
  if (!entry) {
    entry = { bytes: bytes.slice(), msk: serialize.deserializeMasterSecretKey(bytes) };
    if (mskCache.size >= MSK_CACHE_LIMIT) {
      const [oldKey, old] = mskCache.entries().next().value!;
      mskCache.delete(oldKey);
      evictMaster(old);
    }
  }
  mskCache.set(key, entry);
  return entry.msk;
}

/** cloudproof_js `generateUserSecretKey(msk, accessPolicy, policy)`. */
export function generateUserSecretKey(mskBytes: Uint8Array, access: string, p: PolicyInput): Uint8Array {
  return userKey.keygenBytes(toPolicy(p, false), parsedMasterSecretKey(mskBytes), access);
}

/** cloudproof_js `encrypt(policy, publicKey, accessPolicy, plaintext, options)` (V2 policy only, as the WASM). */
export function encrypt(
  p: PolicyInput,
  mpkBytes: Uint8Array,
  access: string,
  plaintext: Uint8Array,
  options: hybrid.EncryptOptions = {},
): Uint8Array {
  const mpk = serialize.deserializeMasterPublicKey(mpkBytes);
  return hybrid.encrypt(toPolicy(p, true), mpk, access, plaintext, options);
}

/** cloudproof_js `decrypt(usk, ciphertext, {authenticationData})`. */
export function decrypt(
  uskBytes: Uint8Array,
  ciphertext: Uint8Array,
  options: { authenticationData?: Uint8Array } = {},
): { headerMetadata: Uint8Array; plaintext: Uint8Array } {
  const usk = serialize.deserializeUserSecretKey(uskBytes);
  try {
    return hybrid.decrypt(usk, ciphertext, options);
  } finally {
    serialize.wipeUserSecretKey(usk);
  }
}

/** Cosmian `RekeyEditAction`, the JSON of the KMS vendor attribute `cover_crypt_rekey_action`. */
export type RekeyAction =
  | { RekeyAccessPolicy: string }
  | { PruneAccessPolicy: string }
  | { RemoveAttribute: string[] }
  | { DisableAttribute: string[] }
  | { AddAttribute: [string, policy.EncryptionHint][] }
  | { RenameAttribute: [string, string][] };

/** Parses `cover_crypt_rekey_action` (serde externally tagged enum). */
export function parseRekeyAction(json: string | Uint8Array): RekeyAction {
  const root = parseJson(typeof json === "string" ? json : utf8.decode(json));
  if (!(root instanceof JsonObject) || root.entries.length !== 1)
    throw jsonError("expected a RekeyEditAction object with one variant");
  const [tag, v] = root.entries[0];
  const isStr = (x: unknown): x is string => typeof x === "string";
  const pairs = (x: unknown): x is [string, string][] =>
    Array.isArray(x) && x.every((p) => Array.isArray(p) && p.length === 2 && p.every(isStr));
  switch (tag) {
    case "RekeyAccessPolicy":
    case "PruneAccessPolicy":
      if (isStr(v)) return { [tag]: v } as RekeyAction;
      break;
    case "RemoveAttribute":
    case "DisableAttribute":
      if (Array.isArray(v) && v.every(isStr)) return { [tag]: v as string[] } as RekeyAction;
      break;
    case "AddAttribute":
      if (pairs(v) && v.every(([, h]) => h === "Classic" || h === "Hybridized"))
        return { AddAttribute: v as [string, policy.EncryptionHint][] };
      break;
    case "RenameAttribute":
      if (pairs(v)) return { RenameAttribute: v };
      break;
    default:
      throw jsonError(`unknown variant \`${tag}\``);
  }
  throw jsonError(`invalid value for \`${tag}\``);
}

/**
 * Applies one KMS rekey action to a master key pair, Cosmian-style: policy edits change the policy
 * then `update` the keys; `RekeyAccessPolicy` rotates the targeted partitions; `PruneAccessPolicy`
 * drops their old secrets. Returns the new policy and keys (inputs untouched). The KMS must then
 * refresh the user keys of this MSK with `refreshUserSecretKey` (Cosmian uses keepOldRights=true).
 */
export function applyRekeyAction(
  p: policy.Policy,
  msk: serialize.MasterSecretKey,
  mpk: serialize.MasterPublicKey,
  action: RekeyAction,
): { policy: policy.Policy; msk: serialize.MasterSecretKey; mpk: serialize.MasterPublicKey } {
  if ("RekeyAccessPolicy" in action) return { policy: p, ...masterKeys.rekey(p, action.RekeyAccessPolicy, msk, mpk) };
  if ("PruneAccessPolicy" in action)
    return {
      policy: p,
      msk: masterKeys.prune(p, action.PruneAccessPolicy, msk),
      mpk: masterKeys.cloneMasterPublicKey(mpk),
    };
  let next = p;
  if ("RemoveAttribute" in action) for (const a of action.RemoveAttribute) next = policyEdit.removeAttribute(next, a);
  else if ("DisableAttribute" in action)
    for (const a of action.DisableAttribute) next = policyEdit.disableAttribute(next, a);
  else if ("AddAttribute" in action)
    for (const [a, h] of action.AddAttribute) next = policyEdit.addAttribute(next, a, h);
  else if ("RenameAttribute" in action)
    for (const [a, n] of action.RenameAttribute) next = policyEdit.renameAttribute(next, a, n);
  else throw new CoverCryptError("OperationNotPermitted", "unknown rekey action");
  return { policy: next, ...masterKeys.update(next, msk, mpk) };
}

/** Byte-level `refresh_user_secret_key`. */
export function refreshUserSecretKey(mskBytes: Uint8Array, uskBytes: Uint8Array, keepOldRights: boolean): Uint8Array {
  const msk = serialize.deserializeMasterSecretKey(mskBytes);
  const usk = serialize.deserializeUserSecretKey(uskBytes);
  try {
    const fresh = userKey.refresh(msk, usk, keepOldRights);
    const out = serialize.serializeUserSecretKey(fresh);
    serialize.wipeUserSecretKey(fresh);
    return out;
  } finally {
    serialize.wipeMasterSecretKey(msk);
    serialize.wipeUserSecretKey(usk);
  }
}
