/**
 * GetAttributes (KMIP 2.1 §6.1.24) and GetAttributeList (§6.1.23). Allowed on destroyed objects.
 * Without references, every attribute but the tags; the tags only when (cosmian, tag) is asked for.
 */
import { setVendorAttribute, type Attributes } from "../kmip/attributes.ts";
import type { GetAttributeList, GetAttributes } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { canonicalTag } from "../kmip/ttlv.ts";
import type { OperationContext } from "./context.ts";
import { exportAttributes } from "./common/export.ts";
import { retrieve } from "./common/retrieve.ts";

export async function getAttributes(req: GetAttributes, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, "getattributes");
  const all = exportAttributes(o);
  const refs = req.AttributeReference ?? [];
  if (refs.length === 0) return { UniqueIdentifier: o.id, Attributes: all };
  const out: Attributes = {};
  for (const ref of refs) {
    if (typeof ref === "string") {
      const name = canonicalTag(ref.replace(/[\s-]/g, "")) ?? ref;
      if (name === "VendorAttribute" || name === "VendorAttributes" || name === "Attribute") {
        if (all.VendorAttributes) out.VendorAttributes = all.VendorAttributes;
      } else if (all[name] !== undefined) out[name] = all[name];
      continue;
    }
    if (ref.AttributeName === "tag") {
      setVendorAttribute(out, "tag", JSON.stringify(o.tags));
      continue;
    }
    const va = all.VendorAttributes?.find(
      (a) => a.AttributeName === ref.AttributeName && a.VendorIdentification === ref.VendorIdentification,
    );
    if (va) out.VendorAttributes = [...(out.VendorAttributes ?? []), va];
  }
  return { UniqueIdentifier: o.id, Attributes: out };
}

export async function getAttributeList(req: GetAttributeList, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, "getattributes");
  const names = Object.keys(exportAttributes(o)).filter((k) => k !== "VendorAttributes");
  return { UniqueIdentifier: o.id, AttributeReference: names };
}
