/** DeleteAttribute (KMIP 2.1 §6.1.13): by CurrentAttribute (value) or by AttributeReference (name). */
import { KmipError, fail } from "../kmip/error.ts";
import type { DeleteAttribute } from "../kmip/requests.ts";
import type { Link } from "../kmip/attributes.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { canonicalTag } from "../kmip/ttlv.ts";
import type { OperationContext } from "./context.ts";
import { ensureWritable, heldAttribute } from "./common/attribute-edit.ts";
import { isDestroyed, now } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";

/** Attributes an object cannot lose, beyond the server-managed ones. */
const REQUIRED = new Set(["CryptographicUsageMask"]);

export async function deleteAttribute(req: DeleteAttribute, ctx: OperationContext): Promise<KmipRecord> {
  const names: { name: string; vendor?: { VendorIdentification: string; AttributeName: string }; links?: Link[] }[] =
    [];
  if (req.CurrentAttribute) {
    const { name, attrs } = heldAttribute(req.CurrentAttribute, "DeleteAttribute");
    if (name === "VendorAttributes") for (const va of attrs.VendorAttributes ?? []) names.push({ name, vendor: va });
    else if (name === "Link") names.push({ name, links: attrs.Link ?? [] });
    else names.push({ name });
  }
  for (const ref of [...(req.AttributeReference ?? []), ...(req.AttributeReferences ?? [])]) {
    if (typeof ref === "string") names.push({ name: canonicalTag(ref.replace(/[\s-]/g, "")) ?? ref });
    else
      names.push({ name: "VendorAttributes", vendor: ref as { VendorIdentification: string; AttributeName: string } });
  }
  return ctx.store.atomic(async () => {
    const o = await retrieve(ctx, req.UniqueIdentifier, "deleteattribute");
    if (names.length === 0)
      fail("Invalid_Message", "DeleteAttribute: name the attribute (CurrentAttribute or AttributeReference)");
    if (isDestroyed(o))
      throw new KmipError("Object_Destroyed", `DeleteAttribute: the object ${o.id} has been destroyed`);
    const a = { ...o.attributes };
    let tags = o.tags;
    for (const { name, vendor, links } of names) {
      ensureWritable(name, "DeleteAttribute");
      if (name === "Link") {
        // A given link value removes just that link; the attribute name alone removes them all. The
        // replacement chain stays (server-managed); dropping a key-pair link only stops the cascade.
        const remove = (l: Link) =>
          (links ?? []).length === 0 ||
          links!.some(
            (x) => x.LinkType === l.LinkType && String(x.LinkedObjectIdentifier) === String(l.LinkedObjectIdentifier),
          );
        const before = a.Link ?? [];
        const gone = before.filter(remove);
        if (gone.length === 0) fail("Attribute_Not_Found", "DeleteAttribute: the object has no such Link");
        const managed = gone.find((l) => l.LinkType === "ReplacementObjectLink" || l.LinkType === "ReplacedObjectLink");
        if (managed)
          fail(
            "Attribute_Read_Only",
            `DeleteAttribute: ${managed.LinkType} links are server-managed and cannot be deleted`,
          );
        a.Link = before.filter((l) => !remove(l));
        if (a.Link.length === 0) delete a.Link;
        continue;
      }
      if (REQUIRED.has(name)) fail("Attribute_Read_Only", `DeleteAttribute: the attribute ${name} cannot be deleted`);
      if (vendor) {
        if (vendor.AttributeName === "tag") {
          tags = tags.filter((t) => t.startsWith("_"));
          continue;
        }
        const before = a.VendorAttributes ?? [];
        a.VendorAttributes = before.filter(
          (x) => !(x.AttributeName === vendor.AttributeName && x.VendorIdentification === vendor.VendorIdentification),
        );
        if (a.VendorAttributes.length === before.length)
          fail("Attribute_Not_Found", `DeleteAttribute: no vendor attribute ${vendor.AttributeName}`);
        if (a.VendorAttributes.length === 0) delete a.VendorAttributes;
      } else {
        if (a[name] === undefined) fail("Attribute_Not_Found", `DeleteAttribute: the object has no ${name}`);
        delete a[name];
      }
    }
    a.LastChangeDate = now();
    await ctx.store.update({ ...o, attributes: a, tags });
    return { UniqueIdentifier: o.id };
  });
}
