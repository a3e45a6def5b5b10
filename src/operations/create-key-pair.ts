/**
 * CreateKeyPair (KMIP 2.1 §6.1.7): a private and a public key, linked to each other
 * (PublicKeyLink / PrivateKeyLink). The key material comes from the scheme that generates key
 * pairs of the algorithm (schemes.ts: CoverCrypt master keys, EC curves, RSA, ...). The public key's id is the private key's id
 * plus `_pk`, as Cosmian does. Tags go to both keys. One transaction.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { Attributes } from "../kmip/attributes.ts";
import type { CreateKeyPair } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { initialState, now } from "./common/lifecycle.ts";
import { checkCreationAttributes } from "./common/attribute-edit.ts";
import { isHsmUid } from "./hsm/uid.ts";
import { ensureMayCreate, newId, newObjectAttributes, storedObject, userTags } from "./common/keys.ts";
import { keyPairsFor } from "./schemes.ts";

export async function createKeyPair(req: CreateKeyPair, ctx: OperationContext): Promise<KmipRecord> {
  const hsmUid = req.PrivateKeyAttributes?.UniqueIdentifier ?? req.CommonAttributes?.UniqueIdentifier;
  if (isHsmUid(hsmUid)) return (await import("./hsm/keys.ts")).createKeyPairInHsm(req, ctx, hsmUid); // a pair made inside the HSM
  ensureMayCreate(ctx);
  if (req.CommonProtectionStorageMasks ?? req.PrivateProtectionStorageMasks ?? req.PublicProtectionStorageMasks) {
    fail("Operation_Not_Supported", "CreateKeyPair: ProtectionStorageMasks are not supported");
  }
  const common = req.CommonAttributes ?? {};
  for (const a of [common, req.PrivateKeyAttributes, req.PublicKeyAttributes])
    await checkCreationAttributes(ctx, a, "CreateKeyPair");
  const privateIn: Attributes = { ...common, ...(req.PrivateKeyAttributes ?? {}) };
  const publicIn: Attributes = { ...common, ...(req.PublicKeyAttributes ?? {}) };
  const algorithm = privateIn.CryptographicAlgorithm ?? publicIn.CryptographicAlgorithm;
  if (!algorithm) fail("Invalid_Field", "CreateKeyPair: the cryptographic algorithm must be specified");
  const generate = keyPairsFor(algorithm)?.generate;
  if (!generate)
    throw new KmipError(
      "Operation_Not_Supported",
      `CreateKeyPair: key pairs of algorithm ${algorithm} are not supported`,
    );
  const tags = [
    ...new Set([...userTags(common), ...userTags(req.PrivateKeyAttributes), ...userTags(req.PublicKeyAttributes)]),
  ];
  const { privateKey, publicKey } = await generate(req, { common, privateKey: privateIn, publicKey: publicIn }, ctx);

  const privateId = newId(req.PrivateKeyAttributes?.UniqueIdentifier ?? common.UniqueIdentifier);
  const publicId = newId(req.PublicKeyAttributes?.UniqueIdentifier ?? `${privateId}_pk`);
  const t = now();
  const privAttrs = newObjectAttributes(privateIn, privateKey.attributes);
  privAttrs.Link = [
    ...(privAttrs.Link ?? []).filter((l) => l.LinkType !== "PublicKeyLink"),
    { LinkType: "PublicKeyLink", LinkedObjectIdentifier: publicId },
  ];
  privAttrs.State = initialState(privAttrs, t, ctx.wire);
  const pubAttrs = newObjectAttributes(publicIn, publicKey.attributes);
  pubAttrs.Link = [
    ...(pubAttrs.Link ?? []).filter((l) => l.LinkType !== "PrivateKeyLink"),
    { LinkType: "PrivateKeyLink", LinkedObjectIdentifier: privateId },
  ];
  pubAttrs.State = initialState(pubAttrs, t, ctx.wire);
  await ctx.store.atomic(async () => {
    await ctx.store.insert(storedObject(privateId, "PrivateKey", privateKey.object, privAttrs, ctx.user, tags));
    await ctx.store.insert(storedObject(publicId, "PublicKey", publicKey.object, pubAttrs, ctx.user, tags));
  });
  ctx.log.debug("created key pair", { op: "CreateKeyPair", privateId, publicId, algorithm });
  return { PrivateKeyUniqueIdentifier: privateId, PublicKeyUniqueIdentifier: publicId };
}
