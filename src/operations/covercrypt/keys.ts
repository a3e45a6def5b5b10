/**
 * What the CoverCrypt operations share: recognising CoverCrypt keys and their role (master secret,
 * master public, user), reading the policy / access-policy vendor attributes
 * (docs/covercrypt-format.md, "In the KMS"), building and updating key blocks, and mapping
 * `CoverCryptError`s to KMIP reasons.
 *
 * Key blocks are stored as Cosmian stores them: KeyFormatType CoverCryptSecretKey/PublicKey, the
 * raw cover_crypt 14 serialization as KeyMaterial bytes, CryptographicLength in bits.
 */
import { KmipError, fail, type ResultReason } from "../../kmip/error.ts";
import { setVendorAttribute, vendorAttributeBytes, type Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { utf8 } from "../../crypto/bytes.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import { keyBlockOf, keyMaterialBytes } from "../common/keys.ts";
import { linkTarget } from "../common/links.ts";
import { now } from "../common/lifecycle.ts";
import { cryptoError } from "../common/symmetric.ts";

export const ALGORITHM = "CoverCrypt";
export const BULK_ALGORITHM = "CoverCryptBulk";
export const SECRET_FORMAT = "CoverCryptSecretKey";
export const PUBLIC_FORMAT = "CoverCryptPublicKey";

/** Vendor attribute names (vendor `cosmian`). */
export const POLICY = "cover_crypt_policy";
export const ACCESS_POLICY = "cover_crypt_access_policy";
/** Older name still read by cloudproof's `AccessPolicyKms.fromKey`. */
export const LEGACY_ACCESS_POLICY = "abe_access_policy";
export const REKEY_ACTION = "cover_crypt_rekey_action";

/** System tag Cosmian gives CoverCrypt user decryption keys. */
export const USER_KEY_TAG = "_uk";

export type Role = "master-secret" | "master-public" | "user";

export function isCoverCryptKey(o: StoredObject): boolean {
  const format = keyBlockOf(o)?.KeyFormatType;
  return o.attributes.CryptographicAlgorithm === ALGORITHM || format === SECRET_FORMAT || format === PUBLIC_FORMAT;
}

export function accessPolicyBytes(attrs: Attributes | undefined): Uint8Array | undefined {
  return vendorAttributeBytes(attrs, ACCESS_POLICY) ?? vendorAttributeBytes(attrs, LEGACY_ACCESS_POLICY);
}

/**
 * The role of a CoverCrypt key. Private keys are told apart by their vendor attributes (a user key
 * carries an access policy, a master key the policy); without either, a ParentLink means a user key.
 */
export function roleOf(o: StoredObject): Role | undefined {
  if (!isCoverCryptKey(o)) return undefined;
  if (o.objectType === "PublicKey") return "master-public";
  if (o.objectType !== "PrivateKey") return undefined;
  if (accessPolicyBytes(o.attributes)) return "user";
  if (vendorAttributeBytes(o.attributes, POLICY)) return "master-secret";
  return linkTarget(o, "ParentLink") ? "user" : "master-secret";
}

const ROLE_NAME: Record<Role, string> = {
  "master-secret": "a CoverCrypt master secret key",
  "master-public": "a CoverCrypt master public key",
  user: "a CoverCrypt user decryption key",
};

export function describe(o: StoredObject): string {
  const role = roleOf(o);
  return role ? ROLE_NAME[role] : `a ${o.objectType} (${o.attributes.CryptographicAlgorithm ?? "no algorithm"})`;
}

export function ensureRole(o: StoredObject, role: Role, op: string, hint = ""): void {
  if (roleOf(o) !== role) {
    throw new KmipError(
      "Invalid_Object_Type",
      `${op}: the key ${o.id} is ${describe(o)}, not ${ROLE_NAME[role]}${hint}`,
    );
  }
}

/** The raw key bytes (the cover_crypt serialization). */
export function keyBytes(o: StoredObject): Uint8Array {
  return keyMaterialBytes(keyBlockOf(o), o.id);
}

// ------------------------------------------------------------------------------------------------
// Policies

// Parsed policies by JSON text: every Encrypt hands us the same bytes again.
const policyCache = new Map<string, cc.Policy>();

/** Parses policy bytes (V2, V1 or legacy JSON; Cosmian's `parse_and_convert`). */
export function parsePolicy(bytes: Uint8Array, op: string): cc.Policy {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    fail("Invalid_Attribute_Value", `${op}: the ${POLICY} vendor attribute is not valid UTF-8`);
  }
  let parsed = policyCache.get(text);
  if (!parsed) {
    try {
      parsed = cc.policy.parse(text);
    } catch (e) {
      throw ccError(op, e, "Invalid_Attribute_Value", `invalid ${POLICY}`);
    }
    policyCache.set(text, parsed);
    if (policyCache.size > 64) policyCache.delete(policyCache.keys().next().value!);
  }
  return parsed;
}

/** The policy of a master key, from its vendor attribute. */
export function policyOf(o: StoredObject, op: string): cc.Policy {
  const bytes = vendorAttributeBytes(o.attributes, POLICY);
  if (!bytes)
    fail("Invalid_Attribute_Value", `${op}: the CoverCrypt master key ${o.id} has no ${POLICY} vendor attribute`);
  return parsePolicy(bytes, op);
}

/**
 * Master keys hold one subkey per partition, the product of the dimension sizes: 4096 partitions
 * already take ~1.5 s to set up and ~150 KB per key. Larger universes are refused rather than
 * letting one request stall the server.
 */
export const MAX_PARTITIONS = 4096;

export function ensurePartitionLimit(policy: cc.Policy, op: string): void {
  let count = 1;
  for (const d of policy.dimensions.values()) {
    count *= d.attributes.size;
    if (count > MAX_PARTITIONS) {
      fail(
        "Invalid_Attribute_Value",
        `${op}: the CoverCrypt policy has too many partitions (the product of its dimension sizes exceeds ${MAX_PARTITIONS})`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Key blocks

export function keyObject(bytes: Uint8Array, format: string): KmipRecord {
  const block: KeyBlock = {
    KeyFormatType: format,
    KeyValue: { KeyMaterial: bytes },
    CryptographicAlgorithm: ALGORITHM,
    CryptographicLength: bytes.length * 8,
  };
  return { KeyBlock: block };
}

/** The same object with new key bytes (and, for master keys, a new policy). */
export function withKeyBytes(o: StoredObject, bytes: Uint8Array, policyBytes?: Uint8Array): StoredObject {
  const kb = keyBlockOf(o)!;
  const attributes: Attributes = { ...o.attributes, CryptographicLength: bytes.length * 8, LastChangeDate: now() };
  if (policyBytes) setVendorAttribute(attributes, POLICY, policyBytes);
  return {
    ...o,
    object: {
      ...o.object,
      KeyBlock: { ...kb, KeyValue: { KeyMaterial: bytes }, CryptographicLength: bytes.length * 8 },
    },
    attributes,
  };
}

// ------------------------------------------------------------------------------------------------
// Errors

/** CoverCrypt error kinds that are not about the caller's input. */
const REASON: Partial<Record<cc.CoverCryptErrorKind, ResultReason>> = {
  InsufficientAccessPolicy: "Cryptographic_Failure",
  KeyError: "Cryptographic_Failure",
  OperationNotPermitted: "Illegal_Operation",
};

/**
 * A CoverCrypt failure as a KMIP error. Errors about what the caller sent (unknown attribute, bad
 * boolean expression, bad JSON, malformed ciphertext) get `inputReason`; access and key failures
 * (InsufficientAccessPolicy, wrong AAD, disabled attribute) are Cryptographic_Failure.
 */
export function ccError(op: string, e: unknown, inputReason: ResultReason, context?: string): KmipError {
  if (e instanceof KmipError) return e;
  if (!(e instanceof cc.CoverCryptError)) return cryptoError(op, e);
  const reason =
    e.kind === "CryptoCoreError"
      ? e.detail === "DecryptionError"
        ? "Cryptographic_Failure"
        : inputReason
      : (REASON[e.kind] ?? inputReason);
  return new KmipError(reason, `${op}: ${context ? `${context}: ` : ""}CoverCrypt: ${e.message}`, "client", {
    cause: e,
  });
}
