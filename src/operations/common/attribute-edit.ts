/**
 * Shared by AddAttribute, SetAttribute, ModifyAttribute and DeleteAttribute (KMIP 2.1 §6.1.2, 6.1.47,
 * 6.1.32, 6.1.13) and by the operations that make objects: reading the one attribute a
 * NewAttribute/CurrentAttribute holds, which attributes the server manages itself (read-only for
 * clients), and where a client-set link may point.
 */
import { fail } from "../../kmip/error.ts";
import { AttributesSchema, type Attributes, type Link } from "../../kmip/attributes.ts";
import type { OperationContext } from "../context.ts";
import { notFound } from "../../auth/access.ts";
import { resolveAll } from "./retrieve.ts";
import { parseKmip } from "../../kmip/schema.ts";
import { canonicalTag } from "../../kmip/ttlv.ts";
import { isRawNode, type KmipRecord } from "../../kmip/struct.ts";

/** Attributes only the server sets (Cosmian answers "server-managed"). */
export const SERVER_MANAGED = new Set([
  "UniqueIdentifier",
  "ObjectType",
  "State",
  "InitialDate",
  "LastChangeDate",
  "OriginalCreationDate",
  "DestroyDate",
  "CompromiseDate",
  "KeyFormatType",
  "CryptographicLength",
  "CryptographicAlgorithm",
  "Digest",
  "Fresh",
  "AlwaysSensitive",
  "NeverExtractable",
  "KeyValuePresent",
  "RevocationReason",
  "LeaseTime",
  "UsageLimits",
  ...["RotateGeneration", "RotateLatest", "RotateDate"],
]);

/**
 * Attributes a client may not supply when it creates an object (Create, CreateKeyPair): the
 * server sets them (KMIP 2.1 §4: Initial Date, Last Change Date, State, Digest are server-set;
 * keyset generations are numbered by ReKey).
 */
export const SET_AT_CREATION = new Set([
  "RotateGeneration",
  "RotateLatest",
  "RotateDate",
  "InitialDate",
  "LastChangeDate",
  "DestroyDate",
  "CompromiseDate",
  "State",
  "Digest",
  "RevocationReason",
  "Fresh",
  "AlwaysSensitive",
  "NeverExtractable",
  "KeyValuePresent",
]);

/**
 * Links only the server makes: the two halves of a key pair (CreateKeyPair, ReKeyKeyPair) and the
 * replacement chain (ReKey). Cascading Revoke/Destroy follows the key-pair ones, so a client that
 * could write them could aim the owner's Destroy at any key.
 */
export const SERVER_LINKS = new Set(["PrivateKeyLink", "PublicKeyLink", "ReplacementObjectLink", "ReplacedObjectLink"]);

/** Attributes whose values form a list (added to, rather than replaced). */
export const MULTI_VALUED = new Set([
  "Name",
  "Link",
  "VendorAttributes",
  "ObjectGroup",
  "AlternativeName",
  "ApplicationSpecificInformation",
]);

/** The attribute held by a NewAttribute/CurrentAttribute wrapper, as a one-field Attributes. */
export function heldAttribute(holder: KmipRecord, op: string): { name: string; attrs: Attributes } {
  let record: KmipRecord = holder;
  // KMIP 1.x form: AttributeName + AttributeValue
  if (typeof holder.AttributeName === "string" && holder.AttributeValue !== undefined) {
    const name = canonicalTag(holder.AttributeName.replace(/[\s-]/g, "")) ?? holder.AttributeName;
    if (name in Object.prototype) fail("Invalid_Attribute", `${op}: ${JSON.stringify(name)} is not an attribute name`);
    const value = holder.AttributeValue;
    record = { [name]: isRawNode(value) ? (value.value as KmipRecord[string]) : value };
  }
  const keys = Object.keys(record);
  if (keys.length !== 1)
    fail("Invalid_Message", `${op}: the attribute holder must contain exactly one attribute, got ${keys.length}`);
  const attrs = parseKmip(AttributesSchema, record, `${op}/NewAttribute`);
  const name = keys[0] === "Attribute" || keys[0] === "VendorAttribute" ? "VendorAttributes" : keys[0];
  return { name, attrs };
}

export function ensureWritable(name: string, op: string): void {
  if (SERVER_MANAGED.has(name))
    fail("Attribute_Read_Only", `${op}: the attribute ${name} is server-managed and cannot be modified`);
}

/**
 * Links a client writes (Create, CreateKeyPair, Set/Add/ModifyAttribute): never a server-managed
 * type, and only towards objects the caller owns, named by their exact id. A ParentLink (a
 * CoverCrypt user key naming its master key) may name any object the caller may `get`, resolved as
 * a UniqueIdentifier is (an id, one of the caller's names or a tag list). A foreign target and a
 * missing one get the same answer, so a link cannot be used to probe for ids.
 */
export async function checkClientLinks(
  ctx: OperationContext,
  links: readonly Link[] | undefined,
  op: string,
): Promise<void> {
  for (const l of links ?? []) {
    if (SERVER_LINKS.has(l.LinkType))
      fail("Attribute_Read_Only", `${op}: ${l.LinkType} links are server-managed and cannot be set by clients`);
    const target = String(l.LinkedObjectIdentifier);
    if (l.LinkType === "ParentLink") {
      if ((await resolveAll(ctx, target, "get")).length === 0) throw notFound("Object_Not_Found", target);
      continue;
    }
    if ((await ctx.store.get(target))?.owner !== ctx.user) {
      fail(
        "Object_Not_Found",
        `${op}: ${l.LinkType} target: Object not found: ${target} (a link must point at an object you own)`,
      );
    }
  }
}

/** Create and CreateKeyPair: refuses server-set attributes and checks the links. */
export async function checkCreationAttributes(
  ctx: OperationContext,
  attrs: Attributes | undefined,
  op: string,
): Promise<void> {
  if (!attrs) return;
  for (const name of Object.keys(attrs)) {
    if (SET_AT_CREATION.has(name) && attrs[name] !== undefined)
      fail("Invalid_Field", `${op}: the attribute ${name} is set by the server and cannot be supplied`);
  }
  await checkClientLinks(ctx, attrs.Link, op);
}

/**
 * Import and Register: the attributes of an object exported elsewhere come back with it (the
 * Cosmian client echoes all of them), so the server-set ones are dropped rather than refused, and
 * so is the replacement chain (it belongs to the original). Other links are kept as given: they may
 * name objects imported next (a certificate and then its private key), and they are inert: nothing
 * follows a link without the caller's own access check, and a cascade needs a same-owner pair.
 */
export function sanitizeImportedAttributes(attrs: Attributes): void {
  for (const name of SET_AT_CREATION) delete attrs[name];
  if (!attrs.Link) return;
  attrs.Link = attrs.Link.filter((l) => l.LinkType !== "ReplacementObjectLink" && l.LinkType !== "ReplacedObjectLink");
  if (attrs.Link.length === 0) delete attrs.Link;
}
