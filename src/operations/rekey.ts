/**
 * ReKey (KMIP 2.1 §6.1.40): a new symmetric key replacing an old one. The new key takes the old
 * one's algorithm, length, usage mask, names and tags; ReplacementObjectLink (old -> new) and
 * ReplacedObjectLink (new -> old) join them. One transaction.
 *
 * As in KMIP and Cosmian's conformance corpus (fips/kmip_operations/rekey_locate_by_name,
 * rekey_old_key_still_decrypts), the old key keeps its state: it stays usable until revoked. The new
 * key is activated at now + Offset (PreActive while that lies ahead). In a keyset (RotateName, see
 * common/keyset.ts) the new key is the next generation, and only the latest generation may be re-keyed.
 * A key stored wrapped (common/at-rest.ts) gets a successor wrapped by the same key; the keys a re-keyed
 * wrapping key wraps are re-wrapped with its successor.
 */
import { KmipError } from "../kmip/error.ts";
import { replacedLinks, successorLinks } from "./common/links.ts";
import type { ReKey } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { randomBytes } from "../crypto/random.ts";
import type { OperationContext } from "./context.ts";
import { now } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { checkCreationAttributes } from "./common/attribute-edit.ts";
import { ensureLatestGeneration, generationOf } from "./common/keyset.ts";
import { forUse, rewrapDependants, wrapAtRest, wrapperOf } from "./common/at-rest.ts";
import type { KeyBlock } from "../kmip/objects.ts";
import { isHsmUid } from "./hsm/uid.ts";
import { ensureMayCreate, keyBlockOf, keyMaterialBytes, storedObject, symmetricKeyObject } from "./common/keys.ts";

const REKEYABLE = new Set(["Active", "Deactivated", "Compromised"]);

export async function rekey(req: ReKey, ctx: OperationContext): Promise<KmipRecord> {
  if (isHsmUid(req.UniqueIdentifier)) return (await import("./hsm/keys.ts")).rekeyInHsm(req, ctx, req.UniqueIdentifier); // the successor made in the HSM
  ensureMayCreate(ctx);
  return ctx.store.atomic(async () => {
    let old;
    try {
      old = await retrieve(ctx, req.UniqueIdentifier, "rekey");
    } catch (e) {
      // Cosmian's wording: the caller learns only that no key it may re-key was found.
      if (e instanceof KmipError)
        throw new KmipError(e.reason, `ReKey: no active symmetric key found: ${e.message}`, e.kind);
      throw e;
    }
    if (!REKEYABLE.has(old.state)) {
      throw new KmipError(
        "Wrong_Key_Lifecycle_State",
        `ReKey: no active symmetric key found: only Active or Deactivated keys can be rotated; ${old.id} is ${old.state}`,
      );
    }
    // The successor's keyset and generation follow from the old key, never from the request.
    await checkCreationAttributes(ctx, req.Attributes, "ReKey");
    if (req.Attributes?.RotateName !== undefined && req.Attributes.RotateName !== old.attributes.RotateName) {
      throw new KmipError(
        "Invalid_Field",
        "ReKey: the RotateName of a re-keyed key is that of the old key; it cannot be changed here",
      );
    }
    const rotateName = old.attributes.RotateName as string | undefined;
    await ensureLatestGeneration(ctx, old, "ReKey");
    if (old.objectType !== "SymmetricKey") {
      throw new KmipError(
        "Invalid_Object_Type",
        `ReKey: only symmetric keys can be re-keyed with ReKey; use ReKeyKeyPair for ${old.objectType}`,
      );
    }
    const algorithm = old.attributes.CryptographicAlgorithm ?? "AES";
    const length = keyMaterialBytes(keyBlockOf(await forUse(ctx, old)), old.id).length;
    const id = crypto.randomUUID();
    const t = now();
    const links = successorLinks(old);
    const {
      ActivationDate: _a,
      DeactivationDate: _d,
      CompromiseDate: _c,
      CompromiseOccurrenceDate: _o,
      RevocationReason: _r,
      DestroyDate: _x,
      ...kept
    } = old.attributes;
    const offset = Number(req.Offset ?? 0);
    const activation = new Date(t.getTime() + offset * 1000);
    const attrs = {
      ...kept,
      ...(req.Attributes ?? {}),
      Link: links,
      State: offset > 0 ? "PreActive" : "Active",
      ActivationDate: activation,
      InitialDate: t,
      LastChangeDate: t,
      OriginalCreationDate: t,
      CryptographicAlgorithm: algorithm,
      CryptographicLength: length * 8,
      ...(rotateName ? { RotateGeneration: generationOf(old) + 1, RotateDate: t } : {}),
    };
    const object = symmetricKeyObject(randomBytes(length), algorithm);
    object.KeyBlock = await wrapAtRest(object.KeyBlock as KeyBlock, id, wrapperOf(old), ctx); // wrapped like the old one
    const fresh = storedObject(
      id,
      "SymmetricKey",
      object,
      attrs,
      old.owner,
      old.tags.filter((t) => !t.startsWith("_")),
    );
    await ctx.store.insert(fresh);
    await rewrapDependants(ctx, old.id, id); // keys the old one wrapped are now wrapped by the new one
    const oldLinks = replacedLinks(old, id);
    const { Name: _names, ...oldRest } = old.attributes;
    const retired = {
      ...old,
      attributes: {
        ...oldRest,
        Link: oldLinks,
        LastChangeDate: t,
        ...(rotateName ? { RotateGeneration: generationOf(old) } : {}),
      },
    };
    await ctx.store.update(retired);
    ctx.log.debug("rekeyed", { op: "ReKey", old: old.id, id });
    return { UniqueIdentifier: id };
  });
}
