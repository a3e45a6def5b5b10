/**
 * Create (KMIP 2.1 §6.1.6) of a symmetric key or secret data, generated from the CSPRNG. A key
 * created for FPE_FF1 gets Cosmian's `fpe-ff1` tag. Asked for, the key is stored wrapped at rest.
 */
import { lookupTable } from "../../crypto/lookup.ts";
import { fail } from "../../kmip/error.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { Create } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import { randomBytes } from "../../crypto/random.ts";
import type { OperationContext } from "../context.ts";
import { initialState, now } from "../common/lifecycle.ts";
import {
  DEFAULT_SYMMETRIC_MASK,
  newId,
  newObjectAttributes,
  storedObject,
  symmetricKeyObject,
  userTags,
} from "../common/keys.ts";
import { wrapAtRest, wrappingKeyIdOf } from "../common/at-rest.ts";

/** Key lengths in bits per symmetric algorithm; `undefined` = any multiple of 8 in 8..8192 (hash-based keys). */
const SYMMETRIC_LENGTHS: Record<string, readonly number[] | undefined> = lookupTable({
  AES: [128, 192, 256, 512], // 512 = the two AES-256 keys of AES-256-XTS (as Cosmian)
  ChaCha20: [256],
  ChaCha20Poly1305: [256],
  THREE_DES: [112, 168, 128, 192],
  FPE_FF1: [256],
  HMACSHA1: undefined,
  HMACSHA224: undefined,
  HMACSHA256: undefined,
  HMACSHA384: undefined,
  HMACSHA512: undefined,
  HMACSHA3224: undefined,
  HMACSHA3256: undefined,
  HMACSHA3384: undefined,
  HMACSHA3512: undefined,
  SHA3224: undefined,
  SHA3256: undefined,
  SHA3384: undefined,
  SHA3512: undefined,
  SHAKE128: undefined,
  SHAKE256: undefined,
});

export function checkSymmetricLength(algorithm: string | undefined, bits: number): void {
  if (!algorithm) fail("Invalid_Field", "Create: the cryptographic algorithm must be specified for a symmetric key");
  if (!(algorithm in SYMMETRIC_LENGTHS)) {
    fail("Invalid_Attribute_Value", `Create: the symmetric algorithm ${algorithm} is not supported`);
  }
  const allowed = SYMMETRIC_LENGTHS[algorithm];
  if (allowed ? !allowed.includes(bits) : bits % 8 !== 0 || bits < 8 || bits > 8192) {
    fail(
      "Invalid_Attribute_Value",
      `Create: invalid key length ${bits} for ${algorithm}; ${allowed ? `allowed lengths: ${allowed.join(", ")}` : "a multiple of 8 from 8 to 8192"}`,
    );
  }
}

/**
 * The object holding `bytes` as a SymmetricKey of `algorithm` (stored wrapped at rest when the
 * attributes ask) or as SecretData, and the attributes that describe it.
 */
export async function symmetricObject(
  objectType: "SymmetricKey" | "SecretData",
  bytes: Uint8Array,
  bits: number,
  algorithm: string | undefined,
  id: string,
  requested: Attributes,
  ctx: OperationContext,
): Promise<{ object: KmipRecord; fields: Partial<Attributes> }> {
  if (objectType === "SymmetricKey") {
    const object = symmetricKeyObject(bytes, algorithm!);
    object.KeyBlock = await wrapAtRest(object.KeyBlock as KeyBlock, id, wrappingKeyIdOf(requested), ctx); // stored wrapped when asked
    const fields = {
      CryptographicAlgorithm: algorithm,
      CryptographicLength: bits,
      CryptographicUsageMask: requested.CryptographicUsageMask ?? DEFAULT_SYMMETRIC_MASK,
      KeyFormatType: "TransparentSymmetricKey",
    };
    return { object, fields };
  }
  const object = {
    SecretDataType: "Password",
    KeyBlock: { KeyFormatType: "Opaque", KeyValue: { KeyMaterial: bytes }, CryptographicLength: bits },
  };
  return {
    object,
    fields: {
      CryptographicLength: bits,
      CryptographicUsageMask: requested.CryptographicUsageMask ?? 0x200 | 0x800 | 0x100000,
      KeyFormatType: "Opaque",
    },
  };
}

/** Create of a SymmetricKey or SecretData (the generic checks are done by operations/create.ts). */
export async function createSymmetric(req: Create, ctx: OperationContext): Promise<KmipRecord> {
  const requested = req.Attributes;
  const tags = userTags(requested);
  const id = newId(requested.UniqueIdentifier);
  const t = now();

  const objectType = req.ObjectType as "SymmetricKey" | "SecretData";
  const algorithm = objectType === "SymmetricKey" ? requested.CryptographicAlgorithm : undefined;
  const bits = requested.CryptographicLength ?? 256;
  let length: number;
  if (objectType === "SymmetricKey") {
    checkSymmetricLength(algorithm, bits);
    if (algorithm === "FPE_FF1" && !tags.includes("fpe-ff1")) tags.push("fpe-ff1"); // Cosmian's tag for FPE keys
    length = algorithm === "THREE_DES" ? (bits <= 128 ? 16 : 24) : bits / 8;
  } else {
    if (bits % 8 !== 0 || bits < 8 || bits > 8192)
      fail("Invalid_Attribute_Value", "Create: secret data length must be a multiple of 8 from 8 to 8192");
    length = bits / 8;
  }
  const { object, fields } = await symmetricObject(
    objectType,
    randomBytes(length),
    bits,
    algorithm,
    id,
    requested,
    ctx,
  );
  const attrs = newObjectAttributes(requested, fields);
  attrs.State = initialState(attrs, t, ctx.wire);
  await ctx.store.insert(storedObject(id, req.ObjectType, object, attrs, ctx.user, tags));
  ctx.log.debug("created", { op: "Create", id, type: req.ObjectType, algorithm: attrs.CryptographicAlgorithm });
  return { ObjectType: req.ObjectType, UniqueIdentifier: id };
}
