/**
 * SetAttribute (KMIP 2.1 §6.1.47), AddAttribute (§6.1.2) and ModifyAttribute (§6.1.32).
 * Setting an ActivationDate that has passed activates a PreActive object. The tag vendor attribute
 * replaces the object's tags.
 */
import { KmipError, fail } from "../kmip/error.ts";
import { checkAttributeLimits, checkTagLimits, type Attributes, type VendorAttribute } from "../kmip/attributes.ts";
import type { ModifyAttribute, SetAttribute } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import {
  checkClientLinks,
  heldAttribute,
  ensureWritable,
  MULTI_VALUED,
  SERVER_LINKS,
} from "./common/attribute-edit.ts";
import { isDestroyed, now } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { userTags } from "./common/keys.ts";
import { isHsmUid } from "./hsm/uid.ts";

type Mode = "set" | "add" | "modify";
const OP_NAME: Record<Mode, string> = { set: "SetAttribute", add: "AddAttribute", modify: "ModifyAttribute" };

export function setAttribute(req: SetAttribute, ctx: OperationContext): Promise<KmipRecord> {
  return edit(req, ctx, "set");
}
export function addAttribute(req: SetAttribute, ctx: OperationContext): Promise<KmipRecord> {
  return edit(req, ctx, "add");
}
export function modifyAttribute(req: ModifyAttribute, ctx: OperationContext): Promise<KmipRecord> {
  return edit(req, ctx, "modify");
}

async function edit(req: SetAttribute | ModifyAttribute, ctx: OperationContext, mode: Mode): Promise<KmipRecord> {
  const op = OP_NAME[mode];
  const right = mode === "set" ? "setattribute" : mode === "add" ? "addattribute" : "modifyattribute";
  const { name, attrs } = heldAttribute(req.NewAttribute, op);
  ensureWritable(name, op);
  if (name === "RotateName" && String(attrs.RotateName).includes("@")) {
    fail(
      "Invalid_Attribute_Value",
      `${op}: rotate_name must not contain '@' (reserved for keyset versioning: name@latest, name@N)`,
    );
  }
  return ctx.store.atomic(async () => {
    const o = await retrieve(ctx, req.UniqueIdentifier, right);
    if (isDestroyed(o)) throw new KmipError("Object_Destroyed", `${op}: the object ${o.id} has been destroyed`);
    // An HSM schedules a key's life with its own start/end dates; an offset window has no counterpart there.
    if (name === "RotateOffset" && isHsmUid(o.id))
      fail("Feature_Not_Supported", `${op}: rotate_offset is not supported for HSM keys (${o.id})`);
    if (name === "Link") await checkClientLinks(ctx, attrs.Link, op); // after the access check: no probing without a right
    const updated: StoredObject = { ...o, attributes: { ...o.attributes }, tags: [...o.tags] };
    if (name === "VendorAttributes") applyVendor(updated, attrs.VendorAttributes ?? [], mode, op);
    else if (name === "Link") {
      // Clients edit their own links only: the server-managed ones (key pair, replacement) are kept as they are.
      const server = (o.attributes.Link ?? []).filter((l) => SERVER_LINKS.has(l.LinkType));
      const client: Attributes = { Link: (o.attributes.Link ?? []).filter((l) => !SERVER_LINKS.has(l.LinkType)) };
      if (!client.Link!.length) delete client.Link;
      applyStandard(client, name, attrs.Link, mode, op);
      updated.attributes.Link = [...server, ...(client.Link ?? [])];
    } else applyStandard(updated.attributes, name, attrs[name], mode, op);
    if (
      name === "ActivationDate" &&
      updated.state === "PreActive" &&
      updated.attributes.ActivationDate &&
      updated.attributes.ActivationDate.getTime() <= Date.now()
    ) {
      updated.state = "Active";
      updated.attributes.State = "Active";
    }
    updated.attributes.LastChangeDate = now();
    checkAttributeLimits(updated.attributes);
    checkTagLimits(updated.tags);
    await ctx.store.update(updated);
    const response: KmipRecord = { UniqueIdentifier: o.id };
    if (mode === "modify") response.EchoedAttribute = req.NewAttribute;
    return response;
  });
}

function applyStandard(a: Attributes, name: string, value: unknown, mode: Mode, op: string): void {
  const existing = a[name];
  if (MULTI_VALUED.has(name)) {
    const incoming = (Array.isArray(value) ? value : [value]) as never[];
    if (mode === "add") a[name] = [...((existing as never[] | undefined) ?? []), ...incoming];
    else if (mode === "modify") {
      if (existing === undefined) fail("Attribute_Not_Found", `${op}: the object has no ${name} to modify`);
      const list = [...(existing as never[])];
      list[0] = incoming[0];
      a[name] = list;
    } else a[name] = incoming;
    return;
  }
  if (mode === "modify" && existing === undefined)
    fail("Attribute_Not_Found", `${op}: the object has no ${name} to modify`);
  a[name] = value as never;
}

function applyVendor(o: StoredObject, incoming: VendorAttribute[], mode: Mode, op: string): void {
  for (const va of incoming) {
    if (va.AttributeName === "tag") {
      const tags = userTags({ VendorAttributes: [va] });
      const system = o.tags.filter((t) => t.startsWith("_"));
      o.tags = mode === "add" ? [...new Set([...o.tags, ...tags])] : [...system, ...tags];
      continue;
    }
    const list = o.attributes.VendorAttributes ?? [];
    const index = list.findIndex(
      (x) => x.AttributeName === va.AttributeName && x.VendorIdentification === va.VendorIdentification,
    );
    if (mode === "modify" && index < 0)
      fail("Attribute_Not_Found", `${op}: the object has no vendor attribute ${va.AttributeName}`);
    o.attributes.VendorAttributes = index < 0 ? [...list, va] : list.map((x, i) => (i === index ? va : x));
  }
}
