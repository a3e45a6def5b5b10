/**
 * ReKeyKeyPair for key pairs that get new ids (KMIP 2.1 §6.1.41; Cosmian
 * 5.x crate/server/src/core/operations/rekey/keypair/sql.rs): EC, RSA and any scheme whose key pairs
 * are generated (Scheme.keyPairs). Schemes opt in with `rekey: rotateWith(generate)`.
 *
 * Rules, as the KMS and its conformance corpus (fips/kmip_operations/rekey_keypair_*):
 * - the private key must be Active, Deactivated or Compromised (not PreActive), and carry a
 *   PublicKeyLink; in a keyset (RotateName) only the latest generation may be rotated;
 * - the request may not change the algorithm, the curve or the length;
 * - a new pair of the same kind, with the old keys' usage masks; the new keys take the old ones'
 *   attributes, names and tags, ReplacedObjectLink -> old key, and are activated at now + Offset
 *   (PreActive while that lies ahead); the private/public links join the new halves;
 * - the old keys get ReplacementObjectLink -> new key and lose their names; their state is kept
 *   (the corpus checks the old key is still Active), as for ReKey (rekey.ts).
 * Runs inside the transaction opened by rekey-key-pair.ts.
 */
import { KmipError } from "../../kmip/error.ts";
import type { Attributes, Link } from "../../kmip/attributes.ts";
import type { ReKeyKeyPair } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import type { GeneratedKey, KeyPairGenerator, KeyPairRekeyer } from "../scheme.ts";
import { now } from "./lifecycle.ts";
import { ensureLatestGeneration, generationOf } from "./keyset.ts";
import { linkTarget, replacedLinks } from "./links.ts";
import { storedObject } from "./keys.ts";

const ROTATABLE = new Set(["Active", "Deactivated", "Compromised"]);
const PAIR_LINKS = new Set(["PublicKeyLink", "PrivateKeyLink", "ReplacementObjectLink", "ReplacedObjectLink"]);
const op = "ReKeyKeyPair";

function curveOf(a: Attributes | undefined): unknown {
  return (a?.CryptographicDomainParameters as KmipRecord | undefined)?.RecommendedCurve;
}

/** The request may restate the key's algorithm, curve and length, not change them. */
function ensureSameCrypto(old: Attributes, req: ReKeyKeyPair): void {
  for (const a of [req.CommonAttributes, req.PrivateKeyAttributes, req.PublicKeyAttributes]) {
    if (!a) continue;
    if (a.CryptographicAlgorithm !== undefined && a.CryptographicAlgorithm !== old.CryptographicAlgorithm) {
      throw new KmipError(
        "Constraint_Violation",
        `${op}: changing the cryptographic algorithm is not allowed (${old.CryptographicAlgorithm} -> ${a.CryptographicAlgorithm}). Use CreateKeyPair for a different algorithm.`,
      );
    }
    const curve = curveOf(a);
    if (curve !== undefined && curveOf(old) !== undefined && curve !== curveOf(old)) {
      throw new KmipError(
        "Constraint_Violation",
        `${op}: changing the recommended curve is not allowed. Use CreateKeyPair for a different curve.`,
      );
    }
    if (
      a.CryptographicLength !== undefined &&
      old.CryptographicLength !== undefined &&
      a.CryptographicLength !== old.CryptographicLength
    ) {
      throw new KmipError(
        "Constraint_Violation",
        `${op}: changing the cryptographic length is not allowed. Use CreateKeyPair for a different key size.`,
      );
    }
  }
}

/** Attributes of the old key that describe how to generate its successor. */
function generationAttributes(a: Attributes): Attributes {
  const out: Attributes = {};
  for (const f of [
    "CryptographicAlgorithm",
    "CryptographicLength",
    "CryptographicDomainParameters",
    "CryptographicParameters",
    "CryptographicUsageMask",
    "Sensitive",
  ] as const) {
    if (a[f] !== undefined) (out as KmipRecord)[f] = a[f];
  }
  return out;
}

/** The successor's attributes: the old ones, the generator's, fresh dates and links. */
function successorAttributes(
  old: StoredObject,
  generated: GeneratedKey,
  links: Link[],
  activation: Date,
  t: Date,
  rotateName: string | undefined,
): Attributes {
  const {
    UniqueIdentifier: _u,
    ActivationDate: _a,
    DeactivationDate: _d,
    CompromiseDate: _c,
    CompromiseOccurrenceDate: _o,
    RevocationReason: _r,
    DestroyDate: _x,
    State: _s,
    Link: oldLinks,
    ...kept
  } = old.attributes;
  return {
    ...kept,
    ...generated.attributes,
    Link: [...links, ...(oldLinks ?? []).filter((l) => !PAIR_LINKS.has(l.LinkType))],
    ActivationDate: activation,
    State: activation.getTime() > t.getTime() ? "PreActive" : "Active",
    InitialDate: t,
    LastChangeDate: t,
    OriginalCreationDate: t,
    ...(rotateName ? { RotateGeneration: generationOf(old) + 1, RotateDate: t } : {}),
  };
}

function retired(o: StoredObject, successorId: string, t: Date): StoredObject {
  const { Name: _names, ...rest } = o.attributes;
  const links = replacedLinks(o, successorId);
  return {
    ...o,
    attributes: {
      ...rest,
      Link: links,
      LastChangeDate: t,
      ...(rest.RotateName ? { RotateGeneration: generationOf(o) } : {}),
    },
  };
}

type GeneratedPair = { privateKey: GeneratedKey; publicKey: GeneratedKey };

/**
 * ReKeyKeyPair that replaces the pair with a new one from `generate`. The new pair is generated
 * before the store transaction (`prepare`: RSA-4096 or SLH-DSA take seconds, on a worker thread),
 * so that the write lock is held only to record it.
 */
export function rotateWith(generate: KeyPairGenerator): KeyPairRekeyer {
  const rekey: KeyPairRekeyer = (oldSk, req, ctx, prepared) =>
    rotateKeyPair(oldSk, req, ctx, generate, prepared as GeneratedPair | undefined);
  rekey.prepare = async (oldSk, _req, ctx) => {
    if (!ROTATABLE.has(oldSk.state)) return undefined; // rotateKeyPair refuses it
    return generateSuccessor(oldSk, await linkedPublicKey(oldSk, ctx), generate, ctx);
  };
  return rekey;
}

async function linkedPublicKey(oldSk: StoredObject, ctx: OperationContext): Promise<StoredObject> {
  const pkId = linkTarget(oldSk, "PublicKeyLink");
  if (!pkId)
    throw new KmipError(
      "Invalid_Field",
      `${op}: the private key ${oldSk.id} has no PublicKeyLink: cannot determine the paired public key`,
    );
  const oldPk = await ctx.store.get(pkId);
  if (oldPk?.objectType !== "PublicKey")
    throw new KmipError("Item_Not_Found", `${op}: the linked public key ${pkId} was not found`);
  return oldPk;
}

/** A new pair with the old one's algorithm, size and usage. */
function generateSuccessor(
  oldSk: StoredObject,
  oldPk: StoredObject,
  generate: KeyPairGenerator,
  ctx: OperationContext,
): Promise<GeneratedPair> {
  const common = generationAttributes(oldSk.attributes);
  const privateIn = {
    ...common,
    ...(oldSk.attributes.CryptographicUsageMask !== undefined
      ? { CryptographicUsageMask: oldSk.attributes.CryptographicUsageMask }
      : {}),
  };
  const publicIn = {
    ...generationAttributes(oldPk.attributes),
    ...common,
    CryptographicUsageMask: oldPk.attributes.CryptographicUsageMask,
  };
  if (publicIn.CryptographicUsageMask === undefined) delete publicIn.CryptographicUsageMask;
  return generate(
    { CommonAttributes: common, PrivateKeyAttributes: privateIn, PublicKeyAttributes: publicIn },
    { common, privateKey: privateIn, publicKey: publicIn },
    ctx,
  );
}

async function rotateKeyPair(
  oldSk: StoredObject,
  req: ReKeyKeyPair,
  ctx: OperationContext,
  generate: KeyPairGenerator,
  prepared?: GeneratedPair,
): Promise<KmipRecord> {
  if (!ROTATABLE.has(oldSk.state)) {
    throw new KmipError(
      "Wrong_Key_Lifecycle_State",
      `${op}: only Active or Deactivated keys can be rotated; ${oldSk.id} is ${oldSk.state}`,
    );
  }
  ensureSameCrypto(oldSk.attributes, req);
  await ensureLatestGeneration(ctx, oldSk, op);
  const rotateName = oldSk.attributes.RotateName as string | undefined;
  const oldPk = await linkedPublicKey(oldSk, ctx);
  const pair = prepared ?? (await generateSuccessor(oldSk, oldPk, generate, ctx));

  const skId = crypto.randomUUID();
  const newPkId = `${skId}_pk`;
  const t = now();
  const activation = new Date(t.getTime() + Number(req.Offset ?? 0) * 1000);
  const skAttrs = successorAttributes(
    oldSk,
    pair.privateKey,
    [
      { LinkType: "ReplacedObjectLink", LinkedObjectIdentifier: oldSk.id },
      { LinkType: "PublicKeyLink", LinkedObjectIdentifier: newPkId },
    ],
    activation,
    t,
    rotateName,
  );
  const pkAttrs = successorAttributes(
    oldPk,
    pair.publicKey,
    [
      { LinkType: "ReplacedObjectLink", LinkedObjectIdentifier: oldPk.id },
      { LinkType: "PrivateKeyLink", LinkedObjectIdentifier: skId },
    ],
    activation,
    t,
    oldPk.attributes.RotateName as string | undefined,
  );
  const userTags = (o: StoredObject) => o.tags.filter((tag) => !tag.startsWith("_"));
  await ctx.store.insert(
    storedObject(skId, "PrivateKey", pair.privateKey.object, skAttrs, oldSk.owner, userTags(oldSk)),
  );
  await ctx.store.insert(
    storedObject(newPkId, "PublicKey", pair.publicKey.object, pkAttrs, oldPk.owner, userTags(oldPk)),
  );
  await ctx.store.update(retired(oldSk, skId, t));
  await ctx.store.update(retired(oldPk, newPkId, t));
  ctx.log.debug("rekeyed key pair", {
    op,
    old: oldSk.id,
    id: skId,
    algorithm: oldSk.attributes.CryptographicAlgorithm,
  });
  return { PrivateKeyUniqueIdentifier: skId, PublicKeyUniqueIdentifier: newPkId };
}
