/**
 * ReKey (KMIP 2.1 §6.1.40): a new symmetric key replacing an old one. The new key takes the old
 * one's algorithm, length, usage mask, names and tags; ReplacementObjectLink (old -> new) and
 * ReplacedObjectLink (new -> old) join them; the old key is deactivated. One transaction.
 */
import { KmipError } from "../kmip/error.ts";
import type { Link } from "../kmip/attributes.ts";
import type { ReKey } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { randomBytes } from "../crypto/random.ts";
import type { OperationContext } from "./context.ts";
import { now, withState } from "./_lifecycle.ts";
import { retrieve } from "./_retrieve.ts";
import { ensureMayCreate, keyBlockOf, keyMaterialBytes, storedObject, symmetricKeyObject } from "./_keys.ts";

const REKEYABLE = new Set(["Active", "Deactivated", "Compromised"]);

export async function rekey(req: ReKey, ctx: OperationContext): Promise<KmipRecord> {
  ensureMayCreate(ctx);
  return ctx.store.atomic(async () => {
    const old = await retrieve(ctx, req.UniqueIdentifier, "rekey");
    if (!REKEYABLE.has(old.state)) {
      throw new KmipError("Wrong_Key_Lifecycle_State", `ReKey: only Active or Deactivated keys can be rotated; ${old.id} is ${old.state}`);
    }
    if (old.objectType !== "SymmetricKey") {
      throw new KmipError("Invalid_Object_Type", `ReKey: only symmetric keys can be re-keyed with ReKey; use ReKeyKeyPair for ${old.objectType}`);
    }
    const algorithm = old.attributes.CryptographicAlgorithm ?? "AES";
    const length = keyMaterialBytes(keyBlockOf(old), old.id).length;
    const id = crypto.randomUUID();
    const t = now();
    const links: Link[] = [
      ...(old.attributes.Link ?? []).filter((l) => l.LinkType !== "ReplacementObjectLink" && l.LinkType !== "ReplacedObjectLink"),
      { LinkType: "ReplacedObjectLink", LinkedObjectIdentifier: old.id },
    ];
    const { ActivationDate: _a, DeactivationDate: _d, CompromiseDate: _c, CompromiseOccurrenceDate: _o, RevocationReason: _r, DestroyDate: _x, ...kept } = old.attributes;
    const attrs = { ...kept, ...(req.Attributes ?? {}), Link: links, State: "Active", InitialDate: t, LastChangeDate: t, OriginalCreationDate: t, CryptographicAlgorithm: algorithm, CryptographicLength: length * 8 };
    const fresh = storedObject(id, "SymmetricKey", symmetricKeyObject(randomBytes(length), algorithm), attrs, old.owner, old.tags.filter((t) => !t.startsWith("_")));
    await ctx.store.insert(fresh);
    const oldLinks = [...(old.attributes.Link ?? []).filter((l) => l.LinkType !== "ReplacementObjectLink"), { LinkType: "ReplacementObjectLink", LinkedObjectIdentifier: id }];
    const { Name: _names, ...oldRest } = old.attributes;
    const retired = old.state === "Active" ? withState({ ...old, attributes: oldRest }, "Deactivated", { DeactivationDate: t, Link: oldLinks }) : { ...old, attributes: { ...oldRest, Link: oldLinks } };
    await ctx.store.update(retired);
    ctx.log.debug("rekeyed", { op: "ReKey", old: old.id, id });
    return { UniqueIdentifier: id };
  });
}
