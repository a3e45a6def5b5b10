/**
 * HSM-resident keys on the KMIP side: Create / CreateKeyPair with an `hsm::<slot>::<key_id>` id
 * make the key inside the HSM (sensitive, never extractable); Encrypt / Decrypt / Sign run there;
 * Destroy deletes it there. The database keeps a row per key with its attributes, owner, state and
 * grants but no key material, so the one access check, Locate and GetAttributes work as for any
 * object. The public key of an RSA pair is public: its row holds it, and public-key operations
 * (Encrypt with the public key, SignatureVerify) run in software on it.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { Attributes, CryptographicParameters } from "../../kmip/attributes.ts";
import type { Create, CreateKeyPair, Decrypt, Destroy, Encrypt, ReKey } from "../../kmip/requests.ts";
import { replacedLinks, successorLinks } from "../common/links.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { HsmError, gcmNonce, type AesMode, type HashName, type RsaEncryption } from "../../hsm/pkcs11.ts";
import { randomBytes } from "../../crypto/random.ts";
import type { OperationContext } from "../context.ts";
import { now } from "../common/lifecycle.ts";
import { ensureLatestGeneration, generationOf } from "../common/keyset.ts";
import { newObjectAttributes, storedObject, userTags } from "../common/keys.ts";
import { retrieve } from "../common/retrieve.ts";
import { isHsmAdmin, isHsmUid, parseHsmUid, resolveHsmRef, type HsmRef } from "./uid.ts";
import { bytesToBigint } from "../rsa/key-material.ts";

const AES_BITS = [128, 192, 256];
const RSA_MIN_BITS = 2048;
const RSA_MAX_BITS = 8192;

/** An HsmError as a KMIP error (the HSM's own words, no secrets in them). */
export function hsmError(op: string, e: unknown): KmipError {
  if (e instanceof KmipError) return e;
  if (e instanceof HsmError) {
    if (e.ckr === "CKR_OBJECT_HANDLE_INVALID") return new KmipError("Item_Not_Found", `${op}: ${e.message}`);
    if (e.ckr === "CKR_KEY_EXISTS") return new KmipError("Invalid_Field", `${op}: ${e.message}`);
    if (
      e.ckr === "CKR_ENCRYPTED_DATA_INVALID" ||
      e.ckr === "CKR_ENCRYPTED_DATA_LEN_RANGE" ||
      e.ckr === "CKR_DATA_LEN_RANGE"
    ) {
      return new KmipError(
        "Cryptographic_Failure",
        `${op}: the HSM refused the data (${e.ckr}): wrong key, altered ciphertext or tag, or bad length`,
      );
    }
    if (e.ckr === "CKR_ARGUMENTS_BAD" || e.ckr === "CKR_MECHANISM_PARAM_INVALID" || e.ckr === "CKR_MECHANISM_INVALID") {
      return new KmipError(
        "Operation_Not_Supported",
        `${op}: the HSM does not support these cryptographic parameters: ${e.message}`,
      );
    }
    return new KmipError("Cryptographic_Failure", `${op}: HSM error: ${e.message}`);
  }
  return new KmipError("Cryptographic_Failure", `${op}: HSM error: ${(e as Error)?.message ?? String(e)}`);
}

function call<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw hsmError(op, e);
  }
}

/** `call` for the HSM's asynchronous (pooled) operations. */
async function callAsync<T>(op: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw hsmError(op, e);
  }
}

function ensureAdmin(ctx: OperationContext, op: string, uid: string): void {
  if (!isHsmAdmin(ctx)) {
    throw new KmipError(
      "Permission_Denied",
      `${op}: ${uid}: only an HSM Admin may ${op === "Create" || op === "CreateKeyPair" ? "create" : "destroy"} HSM objects (operations reserved for HSM admins)`,
    );
  }
}

async function ensureFree(
  ctx: OperationContext,
  op: string,
  ref: HsmRef & { rt: { hsm: { exists(s: string, k: string): boolean } } },
): Promise<void> {
  if ((await ctx.store.get(ref.uid)) || call(op, () => ref.rt.hsm.exists(ref.slot, ref.keyId))) {
    throw new KmipError("Object_Already_Exists", `${op}: an object with the id ${ref.uid} already exists`);
  }
}

/** Create with an `hsm::` UniqueIdentifier: an AES key generated in the HSM. */
export async function createInHsm(req: Create, ctx: OperationContext): Promise<KmipRecord> {
  const uid = req.Attributes.UniqueIdentifier!;
  const ref = resolveHsmRef(ctx, uid);
  ensureAdmin(ctx, "Create", uid);
  const requested = req.Attributes;
  if (req.ObjectType !== "SymmetricKey" || (requested.CryptographicAlgorithm ?? "AES") !== "AES") {
    fail(
      "Invalid_Attribute_Value",
      `Create: ${uid}: Only AES symmetric keys can be created in the HSM (got ${req.ObjectType} ${requested.CryptographicAlgorithm ?? ""})`.trim(),
    );
  }
  const bits = requested.CryptographicLength ?? 256;
  if (!AES_BITS.includes(bits))
    fail("Invalid_Attribute_Value", `Create: ${uid}: invalid AES key length ${bits}: use 128, 192 or 256`);
  const tags = userTags(requested);
  await ensureFree(ctx, "Create", ref);
  call("Create", () => ref.rt.hsm.generateAesKey(ref.slot, ref.keyId, bits));
  const attrs = newObjectAttributes(requested, {
    CryptographicAlgorithm: "AES",
    CryptographicLength: bits,
    CryptographicUsageMask: requested.CryptographicUsageMask ?? 0x4 | 0x8 | 0x10 | 0x20,
    KeyFormatType: "TransparentSymmetricKey",
    Sensitive: true,
    Extractable: false,
  });
  attrs.State = "Active"; // an HSM key has no lifecycle of its own: usable from its creation (as Cosmian's)
  attrs.ActivationDate ??= now();
  const object = {
    KeyBlock: { KeyFormatType: "TransparentSymmetricKey", CryptographicAlgorithm: "AES", CryptographicLength: bits },
  };
  try {
    await ctx.store.insert(storedObject(uid, "SymmetricKey", object, attrs, ctx.user, tags));
  } catch (e) {
    call("Create", () => ref.rt.hsm.destroyKey(ref.slot, ref.keyId)); // nothing half-made
    throw e;
  }
  ctx.log.info("created an HSM key", { op: "Create", id: uid, algorithm: "AES", bits });
  return { ObjectType: "SymmetricKey", UniqueIdentifier: uid };
}

/** CreateKeyPair with an `hsm::` private key id: an RSA pair generated in the HSM. */
export async function createKeyPairInHsm(req: CreateKeyPair, ctx: OperationContext, uid: string): Promise<KmipRecord> {
  const ref = resolveHsmRef(ctx, uid);
  ensureAdmin(ctx, "CreateKeyPair", uid);
  const common = req.CommonAttributes ?? {};
  const privateIn: Attributes = { ...common, ...(req.PrivateKeyAttributes ?? {}) };
  const publicIn: Attributes = { ...common, ...(req.PublicKeyAttributes ?? {}) };
  delete publicIn.UniqueIdentifier;
  const algorithm = privateIn.CryptographicAlgorithm ?? publicIn.CryptographicAlgorithm;
  if (algorithm !== "RSA")
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: ${uid}: HSM keys only support RSA keypair generation (got ${algorithm ?? "no algorithm"})`,
    );
  const bits = privateIn.CryptographicLength ?? publicIn.CryptographicLength ?? 2048;
  if (bits < RSA_MIN_BITS)
    fail(
      "Invalid_Attribute_Value",
      `CreateKeyPair: ${uid}: RSA key length ${bits} is below the minimum key length of ${RSA_MIN_BITS} bits`,
    );
  if (bits > RSA_MAX_BITS || bits % 8 !== 0)
    fail("Invalid_Attribute_Value", `CreateKeyPair: ${uid}: invalid RSA key length ${bits}`);
  const publicUid = `${uid}_pk`;
  const pubRef = { ...parseHsmUid(publicUid), rt: ref.rt };
  const tags = [
    ...new Set([...userTags(common), ...userTags(req.PrivateKeyAttributes), ...userTags(req.PublicKeyAttributes)]),
  ];
  await ensureFree(ctx, "CreateKeyPair", ref);
  await ensureFree(ctx, "CreateKeyPair", pubRef);
  await callAsync("CreateKeyPair", () => ref.rt.hsm.generateRsaKeyPair(ref.slot, ref.keyId, pubRef.keyId, bits));
  try {
    const { n, e } = call("CreateKeyPair", () => ref.rt.hsm.rsaPublicKey(ref.slot, pubRef.keyId));
    const t = now();
    const privAttrs = newObjectAttributes(privateIn, {
      CryptographicAlgorithm: "RSA",
      CryptographicLength: bits,
      KeyFormatType: "TransparentRSAPrivateKey",
      Sensitive: true,
      Extractable: false,
    });
    privAttrs.Link = [{ LinkType: "PublicKeyLink", LinkedObjectIdentifier: publicUid }];
    privAttrs.State = "Active";
    privAttrs.ActivationDate ??= t;
    const pubAttrs = newObjectAttributes(publicIn, {
      CryptographicAlgorithm: "RSA",
      CryptographicLength: bits,
      KeyFormatType: "TransparentRSAPublicKey",
    });
    pubAttrs.Link = [{ LinkType: "PrivateKeyLink", LinkedObjectIdentifier: uid }];
    pubAttrs.State = "Active";
    pubAttrs.ActivationDate ??= t;
    const privObject = {
      KeyBlock: { KeyFormatType: "TransparentRSAPrivateKey", CryptographicAlgorithm: "RSA", CryptographicLength: bits },
    };
    const pubObject = {
      KeyBlock: {
        KeyFormatType: "TransparentRSAPublicKey",
        CryptographicAlgorithm: "RSA",
        CryptographicLength: bits,
        KeyValue: { KeyMaterial: { Modulus: bytesToBigint(n), PublicExponent: bytesToBigint(e) } },
      },
    };
    await ctx.store.atomic(async () => {
      await ctx.store.insert(storedObject(uid, "PrivateKey", privObject, privAttrs, ctx.user, tags));
      await ctx.store.insert(storedObject(publicUid, "PublicKey", pubObject, pubAttrs, ctx.user, tags));
    });
  } catch (e) {
    call("CreateKeyPair", () => ref.rt.hsm.destroyKey(ref.slot, ref.keyId));
    call("CreateKeyPair", () => ref.rt.hsm.destroyKey(ref.slot, pubRef.keyId));
    throw e;
  }
  ctx.log.info("created an HSM key pair", { op: "CreateKeyPair", privateId: uid, publicId: publicUid, bits });
  return { PrivateKeyUniqueIdentifier: uid, PublicKeyUniqueIdentifier: publicUid };
}

/**
 * A key provisioned in the HSM outside the server (vendor tools, pkcs11-tool: CKA_ID = the key id)
 * gets its row the first time an HSM admin names it: AES secret keys and RSA private keys (which
 * decrypt and sign by their CKA_ID), owned by that admin. Undefined when there is nothing to
 * adopt, the caller is not an HSM admin, or the key is the key-encryption key (kept for sealing).
 * Throws for an unknown slot or when no HSM is configured.
 */
export async function adoptHsmKey(ctx: OperationContext, uid: string): Promise<StoredObject | undefined> {
  const ref = resolveHsmRef(ctx, uid);
  if (!isHsmAdmin(ctx) || ref.rt.kek === uid) return undefined;
  const info = call("Locate", () => ref.rt.hsm.keyInfo(ref.slot, ref.keyId));
  if (
    !info ||
    !((info.class === "secret" && info.keyType === "AES") || (info.class === "private" && info.keyType === "RSA"))
  )
    return undefined;
  const t = now();
  const objectType = info.class === "secret" ? "SymmetricKey" : "PrivateKey";
  const format = info.class === "secret" ? "TransparentSymmetricKey" : "TransparentRSAPrivateKey";
  const attrs = newObjectAttributes(
    {},
    {
      CryptographicAlgorithm: info.keyType,
      CryptographicLength: info.bits,
      KeyFormatType: format,
      Sensitive: true,
      State: "Active",
      ActivationDate: t,
      ...(info.class === "secret"
        ? { CryptographicUsageMask: 0x4 | 0x8 | 0x10 | 0x20 }
        : { CryptographicUsageMask: 0x1 | 0x8 }),
    },
  );
  const stored = storedObject(
    uid,
    objectType,
    { KeyBlock: { KeyFormatType: format, CryptographicAlgorithm: info.keyType, CryptographicLength: info.bits } },
    attrs,
    ctx.user,
    [],
  );
  await ctx.store.insert(stored);
  ctx.log.info("adopted an HSM key provisioned outside the server", {
    id: uid,
    algorithm: info.keyType,
    bits: info.bits,
  });
  return (await ctx.store.get(uid)) ?? stored;
}

/** Destroy of an HSM object: HSM admins only; the key is deleted in the HSM and its row removed. */
export async function destroyInHsm(req: Destroy, ctx: OperationContext, uid: string): Promise<KmipRecord> {
  ensureAdmin(ctx, "Destroy", uid); // the same answer whether the key exists or not
  const ref = resolveHsmRef(ctx, uid);
  const o = await retrieve(ctx, uid, "destroy");
  if (ref.rt.kek === uid) {
    throw new KmipError(
      "Permission_Denied",
      `Destroy: ${uid} is the key-encryption key sealing the database: destroying it would make every stored object unreadable`,
    );
  }
  if (req.ExpectedObjectType && req.ExpectedObjectType !== o.objectType) {
    throw new KmipError(
      "Invalid_Object_Type",
      `Destroy: ${o.id} is a ${o.objectType}, not a ${req.ExpectedObjectType}`,
    );
  }
  call("Destroy", () => ref.rt.hsm.destroyKey(ref.slot, ref.keyId));
  await ctx.store.delete(uid);
  ctx.log.info("destroyed an HSM key", { op: "Destroy", id: uid });
  return { UniqueIdentifier: uid };
}

/**
 * ReKey of an HSM key: a new AES key of the same length in the HSM, `<key_id>::<generation>` (the
 * next generation of its keyset, 1 when it has none), with the old key's attributes, names and
 * tags, and the replacement links both ways. The old key stays usable (data it encrypted still
 * decrypts, e.g. through the keyset name).
 */
export async function rekeyInHsm(req: ReKey, ctx: OperationContext, uid: string): Promise<KmipRecord> {
  const ref = resolveHsmRef(ctx, uid);
  if (!isHsmAdmin(ctx))
    throw new KmipError(
      "Permission_Denied",
      `ReKey: ${uid}: only an HSM Admin may create HSM objects (operations reserved for HSM admins)`,
    );
  const old = await retrieve(ctx, uid, "rekey");
  if (old.objectType !== "SymmetricKey")
    throw new KmipError(
      "Invalid_Object_Type",
      `ReKey: only symmetric keys can be re-keyed with ReKey; ${uid} is a ${old.objectType}`,
    );
  await ensureLatestGeneration(ctx, old, "ReKey");
  const bits = Number(old.attributes.CryptographicLength ?? 256);
  const base = ref.keyId.replace(/::\d+$/, "");
  const generation = generationOf(old) + 1;
  const newKeyId = `${base}::${generation}`;
  const newRef = { ...parseHsmUid(`hsm::${ref.slot}::${newKeyId}`), rt: ref.rt };
  await ensureFree(ctx, "ReKey", newRef);
  call("ReKey", () => ref.rt.hsm.generateAesKey(ref.slot, newKeyId, bits));
  const t = now();
  try {
    await ctx.store.atomic(async () => {
      const links = successorLinks(old);
      const {
        DeactivationDate: _d,
        CompromiseDate: _c,
        CompromiseOccurrenceDate: _o,
        RevocationReason: _r,
        ...kept
      } = old.attributes;
      const attrs = {
        ...kept,
        ...(req.Attributes ?? {}),
        UniqueIdentifier: newRef.uid,
        Link: links,
        State: "Active",
        ActivationDate: t,
        InitialDate: t,
        LastChangeDate: t,
        OriginalCreationDate: t,
        RotateGeneration: generation,
        ...(old.attributes.RotateName ? { RotateDate: t } : {}),
      };
      const object = {
        KeyBlock: {
          KeyFormatType: "TransparentSymmetricKey",
          CryptographicAlgorithm: "AES",
          CryptographicLength: bits,
        },
      };
      await ctx.store.insert(
        storedObject(
          newRef.uid,
          "SymmetricKey",
          object,
          attrs as Attributes,
          old.owner,
          old.tags.filter((x) => !x.startsWith("_")),
        ),
      );
      const oldLinks = replacedLinks(old, newRef.uid);
      const { Name: _names, ...oldRest } = old.attributes;
      await ctx.store.update({
        ...old,
        attributes: { ...oldRest, Link: oldLinks, LastChangeDate: t, RotateGeneration: generationOf(old) },
      });
    });
  } catch (e) {
    call("ReKey", () => ref.rt.hsm.destroyKey(ref.slot, newKeyId));
    throw e;
  }
  ctx.log.info("re-keyed an HSM key", { op: "ReKey", old: uid, id: newRef.uid });
  return { UniqueIdentifier: newRef.uid };
}

// ------------------------------------------------------------------------------------------------
// Encrypt / Decrypt / Sign inside the HSM

const HASHES: Record<string, HashName> = { SHA1: "SHA1", SHA256: "SHA256", SHA384: "SHA384", SHA512: "SHA512" };

function hashName(h: string | undefined, op: string, fallback: HashName): HashName {
  if (h === undefined) return fallback;
  const name = HASHES[h.replace("_", "")];
  if (!name)
    fail(
      "Invalid_Field",
      `${op}: the hashing algorithm ${h} is not supported for HSM keys (SHA1, SHA256, SHA384, SHA512)`,
    );
  return name;
}

function paramsOf(key: StoredObject, p: CryptographicParameters | undefined): CryptographicParameters | undefined {
  return p ?? key.attributes.CryptographicParameters;
}

function aesMode(key: StoredObject, req: Encrypt | Decrypt, op: string, iv: Uint8Array | undefined): AesMode {
  const p = paramsOf(key, req.CryptographicParameters);
  const mode = p?.BlockCipherMode ?? "GCM";
  if (mode === "GCM") {
    const tagLength = p?.TagLength ?? 16;
    if (tagLength < 12 || tagLength > 16)
      fail("Invalid_Field", `${op}: invalid tag length ${tagLength}: TagLength must be 12 to 16 bytes for AES-GCM`);
    if (iv?.length !== 12) fail("Invalid_Field", `${op}: AES-GCM with an HSM key needs a 12-byte IVCounterNonce`);
    return { kind: "gcm", iv, aad: req.AuthenticatedEncryptionAdditionalData, tagBits: tagLength * 8 };
  }
  if (mode === "CBC") {
    if ((p?.PaddingMethod ?? "PKCS5") !== "PKCS5")
      fail("Operation_Not_Supported", `${op}: AES-CBC with an HSM key is supported with PKCS5 padding only`);
    if (iv?.length !== 16) fail("Invalid_Field", `${op}: AES-CBC with an HSM key needs a 16-byte IVCounterNonce`);
    return { kind: "cbc-pad", iv };
  }
  return fail(
    "Operation_Not_Supported",
    `${op}: the block cipher mode ${mode} is not supported for HSM keys (GCM or CBC)`,
  );
}

function rsaEncryption(key: StoredObject, p: CryptographicParameters | undefined, op: string): RsaEncryption {
  const params = paramsOf(key, p);
  const padding = params?.PaddingMethod ?? "OAEP";
  if (padding === "PKCS1v15") return { kind: "pkcs1" };
  if (padding !== "OAEP")
    fail(
      "Operation_Not_Supported",
      `${op}: the padding method ${padding} is not supported for HSM RSA keys (OAEP or PKCS1v15)`,
    );
  return { kind: "oaep", hash: hashName(params?.HashingAlgorithm, op, "SHA256") };
}

export async function hsmEncrypt(key: StoredObject, req: Encrypt, ctx: OperationContext): Promise<KmipRecord> {
  const ref = resolveHsmRef(ctx, key.id);
  const data = req.Data;
  if (!data) fail("Invalid_Field", "Encrypt: Data is missing");
  if (key.objectType === "PublicKey") {
    // in the HSM too, so that what it cannot decrypt (its mechanisms) is refused now rather than later
    return {
      UniqueIdentifier: key.id,
      Data: await callAsync("Encrypt", () =>
        ref.rt.hsm.rsaEncrypt(ref.slot, ref.keyId, rsaEncryption(key, req.CryptographicParameters, "Encrypt"), data),
      ),
    };
  }
  if (key.objectType !== "SymmetricKey") {
    fail("Operation_Not_Supported", `Encrypt: ${key.id} is an HSM ${key.objectType}: encrypt with its public key`);
  }
  const mode0 = (paramsOf(key, req.CryptographicParameters)?.BlockCipherMode ?? "GCM") === "CBC" ? 16 : 12;
  const given = req.IVCounterNonce;
  const iv = given ?? (mode0 === 12 ? gcmNonce() : randomBytes(16));
  const mode = aesMode(key, req, "Encrypt", iv);
  const out = await callAsync("Encrypt", () => ref.rt.hsm.aesEncrypt(ref.slot, ref.keyId, mode, data));
  if (mode.kind === "gcm") {
    const cut = out.length - mode.tagBits / 8;
    return {
      UniqueIdentifier: key.id,
      Data: out.subarray(0, cut),
      IVCounterNonce: given ? undefined : iv,
      AuthenticatedEncryptionTag: out.subarray(cut),
    };
  }
  return { UniqueIdentifier: key.id, Data: out, IVCounterNonce: given ? undefined : iv };
}

export async function hsmDecrypt(key: StoredObject, req: Decrypt, ctx: OperationContext): Promise<KmipRecord> {
  const ref = resolveHsmRef(ctx, key.id);
  const data = req.Data;
  if (!data) fail("Invalid_Field", "Decrypt: Data is missing");
  if (key.objectType === "PrivateKey") {
    const plain = await callAsync("Decrypt", () =>
      ref.rt.hsm.rsaDecrypt(ref.slot, ref.keyId, rsaEncryption(key, req.CryptographicParameters, "Decrypt"), data),
    );
    return { UniqueIdentifier: key.id, Data: plain };
  }
  const mode = aesMode(key, req, "Decrypt", req.IVCounterNonce);
  let input = data;
  if (mode.kind === "gcm") {
    const tag = req.AuthenticatedEncryptionTag;
    if (!tag || tag.length !== mode.tagBits / 8)
      fail("Invalid_Field", `Decrypt: AES-GCM needs the ${mode.tagBits / 8}-byte AuthenticatedEncryptionTag`);
    input = new Uint8Array([...data, ...tag]);
  }
  const plain = await callAsync("Decrypt", () => ref.rt.hsm.aesDecrypt(ref.slot, ref.keyId, mode, input));
  return { UniqueIdentifier: key.id, Data: plain };
}

const RSA_DSA: Record<string, { kind: "pkcs1" | "pss"; hash?: HashName }> = {
  SHA1WithRSAEncryption: { kind: "pkcs1", hash: "SHA1" },
  SHA256WithRSAEncryption: { kind: "pkcs1", hash: "SHA256" },
  SHA384WithRSAEncryption: { kind: "pkcs1", hash: "SHA384" },
  SHA512WithRSAEncryption: { kind: "pkcs1", hash: "SHA512" },
  RSASSAPSS: { kind: "pss" },
};

export function hsmSign(
  key: StoredObject,
  data: Uint8Array,
  prehashed: boolean,
  p: CryptographicParameters | undefined,
  ctx: OperationContext,
): Promise<Uint8Array> {
  const ref = resolveHsmRef(ctx, key.id);
  if (prehashed) fail("Operation_Not_Supported", "Sign: HSM keys sign the Data itself (DigestedData is not supported)");
  const params = paramsOf(key, p);
  const dsa = params?.DigitalSignatureAlgorithm;
  let scheme: { kind: "pkcs1" | "pss"; hash: HashName };
  if (dsa !== undefined) {
    const known = RSA_DSA[dsa];
    if (!known)
      fail(
        "Operation_Not_Supported",
        `Sign: Unsupported digital signature algorithm for HSM signing: ${dsa} (an HSM RSA key signs with xxxWithRSAEncryption or RSASSAPSS)`,
      );
    scheme = { kind: known.kind, hash: known.hash ?? hashName(params?.HashingAlgorithm, "Sign", "SHA256") };
  } else {
    if (params?.CryptographicAlgorithm !== undefined && params.CryptographicAlgorithm !== "RSA") {
      fail(
        "Operation_Not_Supported",
        `Sign: Unsupported digital signature algorithm for HSM signing: ${params.CryptographicAlgorithm} with an RSA key`,
      );
    }
    const padding = params?.PaddingMethod ?? "PSS";
    if (padding !== "PSS" && padding !== "PKCS1v15")
      fail(
        "Operation_Not_Supported",
        `Sign: the padding method ${padding} is not supported for HSM signatures (PSS or PKCS1v15)`,
      );
    scheme = { kind: padding === "PSS" ? "pss" : "pkcs1", hash: hashName(params?.HashingAlgorithm, "Sign", "SHA256") };
  }
  return callAsync("Sign", () => ref.rt.hsm.rsaSign(ref.slot, ref.keyId, scheme, data));
}

/** Keys held in the HSM whose secret never leaves it (their rows carry no key material). */
export const isHsmResident = (key: StoredObject) => isHsmUid(key.id) && key.objectType !== "PublicKey";
