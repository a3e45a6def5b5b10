/**
 * CreateKeyPair with CryptographicAlgorithm CoverCrypt (docs/covercrypt-format.md, "In the KMS"; Cosmian
 * `create_master_keypair`): the master secret key (PrivateKey, CoverCryptSecretKey) and master
 * public key (PublicKey, CoverCryptPublicKey) for the policy in the `cover_crypt_policy` vendor
 * attribute. The client sends only CommonAttributes, so the policy may come from any of the three
 * attribute sets. Older policy formats are converted; both keys keep the V2 JSON (what
 * `PolicyKms.fromKey` reads back, byte-identical to cloudproof_js's `Policy.toBytes()`).
 */
import { fail } from "../../kmip/error.ts";
import { setVendorAttribute, vendorAttributeBytes, type Attributes } from "../../kmip/attributes.ts";
import type { CreateKeyPair } from "../../kmip/requests.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import type { GeneratedKey } from "../scheme.ts";
import {
  ALGORITHM,
  POLICY,
  PUBLIC_FORMAT,
  SECRET_FORMAT,
  ccError,
  ensurePartitionLimit,
  keyObject,
  parsePolicy,
} from "./keys.ts";
import { runHeavy } from "../common/heavy.ts";

function keyAttributes(
  requested: Attributes,
  format: string,
  length: number,
  policyBytes: Uint8Array,
): Partial<Attributes> {
  const vendor: Attributes = { VendorAttributes: [...(requested.VendorAttributes ?? [])] };
  setVendorAttribute(vendor, POLICY, policyBytes);
  return {
    CryptographicAlgorithm: ALGORITHM,
    CryptographicLength: length * 8,
    KeyFormatType: format,
    VendorAttributes: vendor.VendorAttributes,
  };
}

export async function generateMasterKeyPair(
  _req: CreateKeyPair,
  merged: { common: Attributes; privateKey: Attributes; publicKey: Attributes },
): Promise<{ privateKey: GeneratedKey; publicKey: GeneratedKey }> {
  const op = "CreateKeyPair";
  const raw = vendorAttributeBytes(merged.privateKey, POLICY) ?? vendorAttributeBytes(merged.publicKey, POLICY);
  if (!raw)
    fail("Invalid_Attribute_Value", `${op}: a CoverCrypt key pair needs the policy in the ${POLICY} vendor attribute`);
  const policy = parsePolicy(raw, op);
  if (policy.dimensions.size === 0) fail("Invalid_Attribute_Value", `${op}: the CoverCrypt policy has no dimension`);
  ensurePartitionLimit(policy, op);
  const policyBytes = cc.policy.toBytes(policy);
  let keys: { secretKey: Uint8Array; publicKey: Uint8Array };
  try {
    keys = await runHeavy("coverCryptMasterKeys", policy);
  } catch (e) {
    throw ccError(op, e, "Invalid_Attribute_Value", `invalid ${POLICY}`);
  }
  const privateKey: GeneratedKey = {
    object: keyObject(keys.secretKey, SECRET_FORMAT),
    attributes: keyAttributes(merged.privateKey, SECRET_FORMAT, keys.secretKey.length, policyBytes),
  };
  const publicKey: GeneratedKey = {
    object: keyObject(keys.publicKey, PUBLIC_FORMAT),
    attributes: keyAttributes(merged.publicKey, PUBLIC_FORMAT, keys.publicKey.length, policyBytes),
  };
  return { privateKey, publicKey };
}
