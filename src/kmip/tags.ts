/**
 * KMIP tag names <-> codes and usual TTLV types, for the JSON TTLV codec (ttlv.ts).
 *
 * Built from the rows of tags-data.ts (KMIP 2.1 §11.56, KMIP 1.4, Cosmian's JSON names) plus the
 * operation root names: in the JSON profile a request or response payload is tagged with the
 * operation name (`Create`, `CreateResponse`), which KMIP's binary form
 * tags RequestPayload / ResponsePayload, so those names carry these two codes.
 *
 * Name kinds, all present in TAGS:
 *   - canonical KMIP tags (the Cosmian JSON spelling where it differs: IvLength, RandomIv, ...);
 *   - context names sharing a KMIP code (AttributeReferences, ApplicationNamespaces, ...);
 *   - operation roots (`Get`, `GetResponse`, ...);
 *   - pseudo-tags with private codes 0x54FFxx (`Object`, `ByteString`, `VendorAttributes`, ...).
 * TAG_ALIASES maps other accepted spellings (KMIP spellings, the JS client's, `Mac`) to canonical names.
 */
import { lookupTable } from "../crypto/lookup.ts";
import { ENUMS } from "./enums-data.ts";
import {
  COSMIAN_SPELLINGS,
  CONTEXT_TAGS,
  EXTRA_TAG_ALIASES,
  KMIP_TAGS,
  PSEUDO_TAG_BASE,
  PSEUDO_TAGS,
} from "./tags-data.ts";

export type TtlvType =
  | "Structure"
  | "Integer"
  | "LongInteger"
  | "BigInteger"
  | "Enumeration"
  | "Boolean"
  | "TextString"
  | "ByteString"
  | "DateTime"
  | "Interval"
  | "DateTimeExtended";

export const REQUEST_PAYLOAD_CODE = 0x420079;
export const RESPONSE_PAYLOAD_CODE = 0x42007c;

const tags: Record<string, readonly [number, TtlvType]> = Object.create(null);
const aliases: Record<string, string> = Object.create(null);
const byCode = new Map<number, string>();
/** canonical name -> the name used for it in the `Tag` enumeration (the KMIP spelling) */
const kmipSpelling: Record<string, string> = Object.create(null);

function add(name: string, code: number, type: TtlvType, primary: boolean): void {
  if (name in tags) throw new Error(`tags: duplicate tag name ${name}`);
  tags[name] = [code, type] as const;
  if (primary && !byCode.has(code)) byCode.set(code, name);
}

for (const [kmipName, code, type] of KMIP_TAGS) {
  const canonical = COSMIAN_SPELLINGS[kmipName] ?? kmipName;
  add(canonical, code, type, true);
  kmipSpelling[canonical] = kmipName;
  if (canonical !== kmipName) aliases[kmipName] = canonical;
}
for (const [name, code, type] of CONTEXT_TAGS) add(name, code, type, false);
PSEUDO_TAGS.forEach(([name, type], i) => {
  add(name, PSEUDO_TAG_BASE + 1 + i, type, true);
});
/** Operation names, in the Operation enumeration order (KMIP 2.1 §11). */
export const OPERATION_NAMES: readonly string[] = Object.keys(ENUMS.Operation);
for (const op of OPERATION_NAMES) {
  add(op, REQUEST_PAYLOAD_CODE, "Structure", false);
  add(`${op}Response`, RESPONSE_PAYLOAD_CODE, "Structure", false);
}
for (const [alias, canonical] of Object.entries(EXTRA_TAG_ALIASES)) {
  if (!(canonical in tags)) throw new Error(`tags: alias ${alias} targets unknown tag ${canonical}`);
  aliases[alias] = canonical;
}
for (const alias of Object.keys(aliases)) {
  if (alias in tags) throw new Error(`tags: alias ${alias} is also a tag name`);
}

/** tag name -> [code, usual TTLV type]; the names are Cosmian's JSON spellings, e.g. IvLength, RandomIv */
export const TAGS: Readonly<Record<string, readonly [number, TtlvType]>> = tags;

/** other accepted spellings -> canonical name (IvCounterNonce -> IVCounterNonce, IVLength -> IvLength, Mac -> MAC, ...) */
export const TAG_ALIASES: Readonly<Record<string, string>> = aliases;

/** Names with private 0x54FFxx codes (no meaning outside this implementation). */
export const PSEUDO_TAG_NAMES: ReadonlySet<string> = new Set(PSEUDO_TAGS.map(([name]) => name));

/**
 * Tag spellings the Cosmian JS client (cloudproof_kms_js 4.0.0) needs in replies, where ours differ:
 * it finds a property by lower-casing the first letter of the tag (`IvCounterNonce` -> `ivCounterNonce`).
 */
export const CLIENT_TAG_NAMES: Readonly<Record<string, string>> = lookupTable({
  IVCounterNonce: "IvCounterNonce",
  MacSignature: "MacOrSignature",
  MacSignatureKeyInformation: "MacOrSignatureKeyInformation",
  PGPKeyVersion: "PgpKeyVersion",
});

/** The canonical name for a name or an alias; undefined when unknown. */
export function canonicalTagName(name: string): string | undefined {
  if (Object.hasOwn(tags, name)) return name; // own keys only: "constructor" is no tag
  return Object.hasOwn(aliases, name) ? aliases[name] : undefined;
}

export function tagCode(name: string): number | undefined {
  const canonical = canonicalTagName(name);
  return canonical === undefined ? undefined : tags[canonical][0];
}

/**
 * The canonical name of a tag code (for `0x42xxxx` hex tags in input). A KMIP code gives its KMIP tag
 * (RequestPayload for 0x420079, never an operation name); a private 0x54FFxx code its pseudo-tag.
 */
export function tagNameOf(code: number): string | undefined {
  return byCode.get(code);
}

/** The spelling of a tag inside the `Tag` enumeration (AttributeReference): the KMIP one, as Cosmian. */
export function tagEnumSpelling(name: string): string | undefined {
  const canonical = canonicalTagName(name);
  return canonical === undefined ? undefined : kmipSpelling[canonical];
}

/** Every canonical KMIP tag (no context names, operations or pseudo-tags), for the `Tag` enumeration. */
export function kmipTagNames(): string[] {
  return Object.keys(kmipSpelling);
}
