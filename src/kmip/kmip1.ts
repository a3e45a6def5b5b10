/**
 * KMIP 1.x message forms <-> the one internal (KMIP 2.x) attribute model, at the edge.
 *
 * KMIP 1.x carries attributes as `Attribute {AttributeName, AttributeIndex?, AttributeValue}`
 * (KMIP 1.4 §2.1.1) with names such as "Cryptographic Algorithm", "x-..." for custom attributes,
 * grouped in `TemplateAttribute` (Create, Register, ReKey...), the three `...TemplateAttribute`s of
 * CreateKeyPair, or as repeated `Attribute`s (Locate). KMIP 2.x uses an `Attributes` structure of
 * attribute tags (KMIP 2.1 §2.1.1). Requests are converted to the 2.x form before dispatch; replies
 * are converted back for a client that speaks 1.x, and reduced to the standard attributes for
 * a KMIP 2.0 client (which knows no vendor or later attributes).
 *
 * The attribute value's TTLV type comes from the 2.x tag of the attribute, so an Enumeration under
 * `AttributeValue` is numbered with the right enumeration (KMIP 1.4 §9.1.3.2).
 */
import { KmipError } from "./error.ts";
import { enumName, enumValue } from "./enums.ts";
import { fromTtlv, isRawNode, rawNode, toTtlv, type KmipRecord, type KmipValue } from "./struct.ts";
import { canonicalTag, type TtlvNode } from "./ttlv.ts";

/**
 * Standard attributes a KMIP 1.x / 2.0 client is given: KMIP 1.4 §3 names -> 2.x tags. Later
 * attributes (Original Creation Date, Random Number Generator, Short Unique Identifier...) are
 * valid KMIP but many 1.x clients fail on names they do not know, so they are returned only when
 * the client asks for them by name.
 */
const STANDARD: readonly (readonly [name: string, tag: string])[] = [
  ["Unique Identifier", "UniqueIdentifier"],
  ["Name", "Name"],
  ["Object Type", "ObjectType"],
  ["Cryptographic Algorithm", "CryptographicAlgorithm"],
  ["Cryptographic Length", "CryptographicLength"],
  ["Cryptographic Parameters", "CryptographicParameters"],
  ["Cryptographic Domain Parameters", "CryptographicDomainParameters"],
  ["Certificate Type", "CertificateType"],
  ["Certificate Length", "CertificateLength"],
  ["Digital Signature Algorithm", "DigitalSignatureAlgorithm"],
  ["Operation Policy Name", "OperationPolicyName"],
  ["Cryptographic Usage Mask", "CryptographicUsageMask"],
  ["Lease Time", "LeaseTime"],
  ["State", "State"],
  ["Initial Date", "InitialDate"],
  ["Activation Date", "ActivationDate"],
  ["Process Start Date", "ProcessStartDate"],
  ["Protect Stop Date", "ProtectStopDate"],
  ["Deactivation Date", "DeactivationDate"],
  ["Destroy Date", "DestroyDate"],
  ["Compromise Occurrence Date", "CompromiseOccurrenceDate"],
  ["Compromise Date", "CompromiseDate"],
  ["Revocation Reason", "RevocationReason"],
  ["Archive Date", "ArchiveDate"],
  ["Object Group", "ObjectGroup"],
  ["Fresh", "Fresh"],
  ["Link", "Link"],
  ["Contact Information", "ContactInformation"],
  ["Last Change Date", "LastChangeDate"],
  ["Sensitive", "Sensitive"],
];
const NAME_OF_TAG = new Map(STANDARD.map(([name, tag]) => [tag, name]));
/** Attributes that may have several instances (KMIP 1.4 §3). */
const MULTI = new Set(["Name", "Link", "ApplicationSpecificInformation", "AlternativeName", "ObjectGroup"]);

/** The 1.x name of a 2.x attribute tag ("CryptographicAlgorithm" -> "Cryptographic Algorithm"). */
export function kmip1Name(tag: string): string {
  return NAME_OF_TAG.get(tag) ?? tag.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/^X509 /, "X.509 ");
}

/** The 2.x tag of a 1.x attribute name; undefined when it is not an attribute we know. */
export function tagOfKmip1Name(name: string): string | undefined {
  return canonicalTag(name.replace(/[\s.#-]/g, ""));
}

const isCustom = (name: string) => /^[xy]-/.test(name);

// ----------------------------------------------------------------------------------------------
// Requests

/** `Attribute`s (1.x) -> an Attributes record (2.x). Throws Invalid_Field naming an unknown attribute. */
export function attributesFrom1x(list: KmipValue | undefined): KmipRecord {
  const out: KmipRecord = {};
  for (const item of asList(list)) {
    if (!isRecord(item) || typeof item.AttributeName !== "string")
      throw new KmipError("Invalid_Field", "Attribute: missing AttributeName");
    const name = item.AttributeName;
    const node = item.AttributeValue;
    if (!isRawNode(node)) throw new KmipError("Invalid_Field", `Attribute ${name}: missing AttributeValue`);
    if (isCustom(name)) {
      out.VendorAttributes = [
        ...(out.VendorAttributes ?? []),
        { VendorIdentification: name.slice(0, 1), AttributeName: name, AttributeValue: node },
      ];
      continue;
    }
    const tag = tagOfKmip1Name(name);
    if (tag === undefined) throw new KmipError("Invalid_Field", `Attribute: unknown attribute name "${name}"`);
    const value = valueFromNode(tag, node);
    if (MULTI.has(tag)) out[tag] = [...asList(out[tag]), value];
    else out[tag] = value;
  }
  return out;
}

function valueFromNode(tag: string, node: TtlvNode): KmipValue {
  if (node.type === "Enumeration") {
    const n = typeof node.value === "number" ? node.value : enumValue(tag, node.value);
    return n === undefined ? node.value : (enumName(tag, n) ?? n);
  }
  return fromTtlv({ ...node, tag } as TtlvNode);
}

/** Where each operation carries a TemplateAttribute in 1.x, and the 2.x field it becomes. */
const TEMPLATES: Readonly<Record<string, string>> = {
  TemplateAttribute: "Attributes",
  CommonTemplateAttribute: "CommonAttributes",
  PrivateKeyTemplateAttribute: "PrivateKeyAttributes",
  PublicKeyTemplateAttribute: "PublicKeyAttributes",
};

/** A 1.x request payload in the 2.x form the operations take. */
export function requestFrom1x(operation: string, payload: KmipRecord): KmipRecord {
  const out: KmipRecord = { ...payload };
  for (const [from, to] of Object.entries(TEMPLATES)) {
    if (!(from in out)) continue;
    const template = out[from];
    delete out[from];
    if (!isRecord(template)) throw new KmipError("Invalid_Field", `${operation}: ${from} must be a Structure`);
    if (template.Name !== undefined)
      throw new KmipError("Feature_Not_Supported", `${operation}: templates (named in ${from}) are not supported`);
    out[to] = attributesFrom1x(template.Attribute);
  }
  if ((operation === "AddAttribute" || operation === "ModifyAttribute") && "Attribute" in out) {
    out.NewAttribute = attributesFrom1x(out.Attribute);
    delete out.Attribute;
  }
  if (operation === "Locate" && "Attribute" in out) {
    out.Attributes = attributesFrom1x(out.Attribute);
    delete out.Attribute;
  }
  if (operation === "GetAttributes" && "AttributeName" in out) {
    out.AttributeReference = asList(out.AttributeName).map((name) => {
      if (typeof name !== "string")
        throw new KmipError("Invalid_Field", "GetAttributes: AttributeName must be a TextString");
      return isCustom(name) ? { VendorIdentification: name.slice(0, 1), AttributeName: name } : name;
    });
    delete out.AttributeName;
  }
  return out;
}

/**
 * KMIP 2.0 §7.4 Attribute Reference structures with an empty Vendor Identification name a standard
 * attribute (PyKMIP sends them so): they become the plain tag names the operations take.
 */
export function standardAttributeReferences(payload: KmipRecord): KmipRecord {
  const refs = payload.AttributeReference;
  if (refs === undefined) return payload;
  const mapped = asList(refs).map((ref) =>
    isRecord(ref) && ref.VendorIdentification === "" && typeof ref.AttributeName === "string"
      ? (tagOfKmip1Name(ref.AttributeName) ?? ref.AttributeName)
      : ref,
  );
  return { ...payload, AttributeReference: mapped };
}

// ----------------------------------------------------------------------------------------------
// Responses

/** An Attributes record (2.x) -> `Attribute`s (1.x). `only` limits to those 2.x tags (asked by name). */
export function attributesTo1x(attrs: KmipRecord, only?: ReadonlySet<string>): KmipRecord[] {
  const out: KmipRecord[] = [];
  for (const [tag, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (tag === "VendorAttributes") {
      for (const va of asList(value)) {
        if (
          isRecord(va) &&
          typeof va.AttributeName === "string" &&
          isCustom(va.AttributeName) &&
          isRawNode(va.AttributeValue)
        ) {
          out.push({ AttributeName: va.AttributeName, AttributeValue: va.AttributeValue });
        }
      }
      continue;
    }
    if (only ? !only.has(tag) : !NAME_OF_TAG.has(tag)) continue;
    const values = asList(value);
    values.forEach((v, i) => {
      const attribute: KmipRecord = { AttributeName: kmip1Name(tag) };
      if (values.length > 1) attribute.AttributeIndex = i;
      attribute.AttributeValue = valueNode(tag, v as KmipValue);
      out.push(attribute);
    });
  }
  return out;
}

/** The typed AttributeValue node of an attribute (enumerations numbered by the attribute's tag). */
function valueNode(tag: string, value: KmipValue): TtlvNode {
  const node = toTtlv(tag, value as Exclude<KmipValue, KmipValue[]>);
  if (node.type === "Enumeration" && typeof node.value === "string") {
    const n = enumValue(tag, node.value);
    if (n === undefined) throw new KmipError("General_Failure", `no number for ${tag} ${node.value}`);
    return rawNode({ tag: "AttributeValue", type: "Enumeration", value: n });
  }
  return rawNode({ ...node, tag: "AttributeValue" } as TtlvNode);
}

/** Only the standard attributes (the KMIP 2.0 form for clients that know no others). */
function standardAttributes(attrs: KmipRecord): KmipRecord {
  return Object.fromEntries(Object.entries(attrs).filter(([tag]) => NAME_OF_TAG.has(tag)));
}

/**
 * A response payload in the client's version: 1.x (`major` 1) gets `Attribute` lists and attribute
 * names; 2.0 gets the standard attributes only. Both lose the Attributes inside a KeyValue, which
 * KMIP 1.x carries as `Attribute`s and most clients do not read.
 */
export function responseForVersion(
  operation: string,
  payload: KmipRecord,
  version: { major: number; minor: number },
  asked?: KmipRecord,
): KmipRecord {
  const kmip1 = version.major < 2;
  const out = stripKeyValueAttributes(payload) as KmipRecord;
  if (operation === "GetAttributes" && isRecord(out.Attributes)) {
    const askedTags = asList(asked?.AttributeReference)
      .filter((r): r is string => typeof r === "string")
      .map((r) => tagOfKmip1Name(r) ?? r);
    const only = askedTags.length ? new Set(askedTags) : undefined;
    if (kmip1) {
      out.Attribute = attributesTo1x(out.Attributes, only);
      delete out.Attributes;
    } else {
      out.Attributes = only ? out.Attributes : standardAttributes(out.Attributes);
    }
  }
  if (kmip1 && (operation === "AddAttribute" || operation === "ModifyAttribute") && isRecord(asked?.NewAttribute)) {
    // KMIP 1.x answers with the attribute as set
    out.Attribute = attributesTo1x(asked.NewAttribute, new Set(Object.keys(asked.NewAttribute)))[0];
    delete out.EchoedAttribute;
  }
  if (operation === "Query" && Array.isArray(out.Operation)) {
    // only the operations this protocol version defines (KMIP 1.4 ends with Export, 2.0 with Reprovision)
    const last = kmip1 ? 0x2b : 0x35;
    out.Operation = out.Operation.filter(
      (op: unknown) => typeof op === "string" && (enumValue("Operation", op) ?? Infinity) <= last,
    );
  }
  if (operation === "GetAttributeList" && out.AttributeReference !== undefined) {
    const tags = asList(out.AttributeReference).filter((t): t is string => typeof t === "string" && NAME_OF_TAG.has(t));
    if (kmip1) {
      out.AttributeName = tags.map(kmip1Name);
      delete out.AttributeReference;
    } else out.AttributeReference = tags;
  }
  return out;
}

function stripKeyValueAttributes(value: KmipValue): KmipValue {
  if (Array.isArray(value)) return value.map(stripKeyValueAttributes);
  if (!isRecord(value)) return value;
  const out: KmipRecord = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (k === "KeyValue" && isRecord(v)) {
      const { Attributes: _dropped, ...rest } = v;
      out[k] = rest;
    } else out[k] = stripKeyValueAttributes(v);
  }
  return out;
}

// ----------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is KmipRecord {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date) &&
    !isRawNode(value)
  );
}

/** A single value or a list as a list (elements are checked where they are used). */
function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The Result Reason a KMIP 1.x client knows (KMIP 1.4 §9.1.3.2.29 ends at Object Already Exists,
 * 0x18, and General Failure) for a 2.x reason; the original reason stays in the Result Message.
 */
export function reasonFor1x(reason: string): string {
  const n = enumValue("ResultReason", reason);
  if (n !== undefined && (n <= 0x18 || n === 0x100)) return reason;
  if (/Not_Found$/.test(reason) || reason === "Object_Destroyed") return "Item_Not_Found";
  if (["Wrong_Key_Lifecycle_State", "Not_Authorised", "Read_Only_Attribute", "Attribute_Read_Only"].includes(reason))
    return "Permission_Denied";
  if (reason === "Missing_Initialization_Vector") return "Missing_Data";
  if (
    /^(Invalid_|Bad_|Unsupported_|Unknown_|Numeric_Range|Multi_Valued|Attribute_Single_Valued|Incompatible_|Illegal_Object_Type|Non_Unique)/.test(
      reason,
    )
  )
    return "Invalid_Field";
  return "General_Failure";
}
