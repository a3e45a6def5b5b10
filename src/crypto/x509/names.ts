/**
 * Distinguished names (RFC 5280 §4.1.2.4) from and to the twelve name fields of KMIP's
 * certificate attributes (KMIP 2.1 §4.10: Certificate Subject CN, O, OU, Email, C, ST, L, UID,
 * Serial Number, Title, DC, DN Qualifier; Cosmian's `CertificateAttributes`).
 *
 * RDN order follows Cosmian's builder (openssl `certificate_attributes_to_subject_name`: CN, OU, C,
 * ST, L, O, Email), then the fields Cosmian ignores. String types as OpenSSL writes them: C,
 * serialNumber and dnQualifier PrintableString, emailAddress and DC IA5String, the rest UTF8String.
 * Values are passed as typed strings, never through the RFC 4514 string parser, so `#`, `\` or `,`
 * in a value are kept as they are.
 */
import { x509, X509Error } from "./setup.ts";

export type NameField =
  | "Cn"
  | "Ou"
  | "C"
  | "St"
  | "L"
  | "O"
  | "Email"
  | "Uid"
  | "SerialNumber"
  | "Title"
  | "Dc"
  | "DnQualifier";
export type NameFields = Partial<Record<NameField, string>>;

type StringKind = "utf8String" | "printableString" | "ia5String";

const FIELDS: readonly { field: NameField; oid: string; kind: StringKind }[] = [
  { field: "Cn", oid: "2.5.4.3", kind: "utf8String" },
  { field: "Ou", oid: "2.5.4.11", kind: "utf8String" },
  { field: "C", oid: "2.5.4.6", kind: "printableString" },
  { field: "St", oid: "2.5.4.8", kind: "utf8String" },
  { field: "L", oid: "2.5.4.7", kind: "utf8String" },
  { field: "O", oid: "2.5.4.10", kind: "utf8String" },
  { field: "Email", oid: "1.2.840.113549.1.9.1", kind: "ia5String" },
  { field: "Uid", oid: "0.9.2342.19200300.100.1.1", kind: "utf8String" },
  { field: "SerialNumber", oid: "2.5.4.5", kind: "printableString" },
  { field: "Title", oid: "2.5.4.12", kind: "utf8String" },
  { field: "Dc", oid: "0.9.2342.19200300.100.1.25", kind: "ia5String" },
  { field: "DnQualifier", oid: "2.5.4.46", kind: "printableString" },
];

export const NAME_FIELDS: readonly NameField[] = FIELDS.map((f) => f.field);

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: IA5String is every 7-bit character, controls included
const IA5 = /^[\x00-\x7f]*$/;

/** A Name with one RDN per non-empty field; throws X509Error when a value does not fit its type. */
export function nameFromFields(fields: NameFields): x509.Name {
  const rdns: Record<string, { [k in StringKind]?: string }[]>[] = [];
  for (const { field, oid, kind } of FIELDS) {
    const value = fields[field];
    if (value === undefined || value === "") continue;
    if (kind === "printableString" && !PRINTABLE.test(value))
      throw new X509Error(`the certificate name field ${field} must be a PrintableString: "${value}"`);
    if (kind === "ia5String" && !IA5.test(value))
      throw new X509Error(`the certificate name field ${field} must be ASCII: "${value}"`);
    if (field === "C" && value.length !== 2)
      throw new X509Error(`the country name (C) must be a two-letter code: "${value}"`);
    rdns.push({ [oid]: [{ [kind]: value }] });
  }
  return new x509.Name(rdns as unknown as x509.JsonNameParams);
}

/** The fields a Name holds (first value of each; other attribute types are not KMIP fields). */
export function fieldsFromName(name: x509.Name): NameFields {
  const out: NameFields = {};
  for (const { field, oid } of FIELDS) {
    const v = name.getField(oid)[0];
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** True when the name has no RDN at all. */
export function isEmptyName(name: x509.Name): boolean {
  return new Uint8Array(name.toArrayBuffer()).length <= 2; // an empty SEQUENCE: 30 00
}

/** DER of a name, for byte comparison (RFC 5280 §7.1 allows binary comparison of names we wrote). */
export function nameDer(name: x509.Name): Uint8Array {
  return new Uint8Array(name.toArrayBuffer());
}
