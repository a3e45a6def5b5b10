/**
 * Shared by AddAttribute, SetAttribute, ModifyAttribute and DeleteAttribute (KMIP 2.1 §6.1.2, 6.1.47,
 * 6.1.32, 6.1.13): reading the one attribute a NewAttribute/CurrentAttribute holds, and which
 * attributes the server manages itself (read-only for clients).
 */
import { fail } from "../../kmip/error.ts";
import { AttributesSchema, type Attributes } from "../../kmip/attributes.ts";
import { parseKmip } from "../../kmip/schema.ts";
import { canonicalTag } from "../../kmip/ttlv.ts";
import { isRawNode, type KmipRecord } from "../../kmip/struct.ts";

/** Attributes only the server sets (Cosmian answers "server-managed"). */
export const SERVER_MANAGED = new Set([
  "UniqueIdentifier", "ObjectType", "State", "InitialDate", "LastChangeDate", "OriginalCreationDate", "DestroyDate",
  "CompromiseDate", "KeyFormatType", "CryptographicLength", "CryptographicAlgorithm", "Digest", "Fresh",
  "AlwaysSensitive", "NeverExtractable", "KeyValuePresent", "RevocationReason", "LeaseTime", "UsageLimits",
]);

/** Attributes whose values form a list (added to, rather than replaced). */
export const MULTI_VALUED = new Set(["Name", "Link", "VendorAttributes", "ObjectGroup", "AlternativeName", "ApplicationSpecificInformation"]);

/** The attribute held by a NewAttribute/CurrentAttribute wrapper, as a one-field Attributes. */
export function heldAttribute(holder: KmipRecord, op: string): { name: string; attrs: Attributes } {
  let record: KmipRecord = holder;
  // KMIP 1.x form: AttributeName + AttributeValue
  if (typeof holder.AttributeName === "string" && holder.AttributeValue !== undefined) {
    const name = canonicalTag(holder.AttributeName.replace(/[\s-]/g, "")) ?? holder.AttributeName;
    const value = holder.AttributeValue;
    record = { [name]: isRawNode(value) ? (value.value as KmipRecord[string]) : value };
  }
  const keys = Object.keys(record);
  if (keys.length !== 1) fail("Invalid_Message", `${op}: the attribute holder must contain exactly one attribute, got ${keys.length}`);
  const attrs = parseKmip(AttributesSchema, record, `${op}/NewAttribute`);
  const name = keys[0] === "Attribute" || keys[0] === "VendorAttribute" ? "VendorAttributes" : keys[0];
  return { name, attrs };
}

export function ensureWritable(name: string, op: string): void {
  if (SERVER_MANAGED.has(name)) fail("Attribute_Read_Only", `${op}: the attribute ${name} is server-managed and cannot be modified`);
}
