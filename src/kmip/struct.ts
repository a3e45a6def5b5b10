/**
 * TTLV trees <-> plain JavaScript records, the shape every typed message starts from.
 *
 * A Structure becomes a record keyed by child tag; a tag that repeats becomes an array (KMIP lists
 * are repeated siblings). Scalars become JS values: Integer/Interval -> number, LongInteger/
 * BigInteger -> bigint, Enumeration -> canonical name (or number when unknown), ByteString ->
 * Uint8Array, DateTime -> Date. Nodes whose type matters on the way back (vendor AttributeValue)
 * stay as TtlvNode.
 *
 * Going back, the TTLV type of a JS value comes from its JS type and the tag table
 * (a string under an Enumeration tag is an Enumeration, a number under an Interval tag an Interval).
 */
import { KmipError } from "./error.ts";
import { tagType, type TtlvNode } from "./ttlv.ts";

export type KmipScalar = number | bigint | string | boolean | Uint8Array | Date;
export type KmipValue = KmipScalar | KmipRecord | TtlvNode | KmipValue[];
/** A decoded Structure. Values are KmipValue; the index is `any` so typed views (Attributes...) fit. */
export interface KmipRecord {
  // biome-ignore lint/suspicious/noExplicitAny: typed views (Attributes...) must be assignable to a record
  [tag: string]: any;
}

/** Tags kept as raw typed nodes, because their TTLV type varies. */
const RAW_TAGS = new Set(["AttributeValue"]);

const NODE = Symbol("ttlv-node");

/** Marks a TtlvNode kept inside a record (so it is not mistaken for a record). */
export function rawNode(node: TtlvNode): TtlvNode {
  return Object.defineProperty({ ...node }, NODE, { value: true, enumerable: false }) as TtlvNode;
}

export function isRawNode(value: unknown): value is TtlvNode {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[NODE] === true;
}

export function fromTtlv(node: TtlvNode): KmipValue {
  if (RAW_TAGS.has(node.tag)) return rawNode(node);
  if (node.type !== "Structure") return node.value;
  const record: KmipRecord = {};
  for (const child of node.value) {
    const value = fromTtlv(child);
    const existing = record[child.tag];
    if (existing === undefined) record[child.tag] = value;
    else if (Array.isArray(existing) && (existing as unknown as { [REPEATED]?: true })[REPEATED]) existing.push(value);
    else record[child.tag] = markRepeated([existing, value]);
  }
  return record;
}

const REPEATED = Symbol("repeated");
function markRepeated(values: KmipValue[]): KmipValue[] {
  return Object.defineProperty(values, REPEATED, { value: true, enumerable: false });
}

export interface ToTtlvOptions {
  /** Tags whose arrays are emitted as a wrapper Structure of repeated children (Cosmian JS client lists). */
  wrapLists?: ReadonlySet<string>;
}

/** Builds the TTLV node(s) for `tag: value`. Arrays give repeated siblings (or a wrapper, see options). */
export function toTtlvNodes(tag: string, value: KmipValue | undefined, options: ToTtlvOptions = {}): TtlvNode[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    const items = value.flatMap((v) => toTtlvNodes(tag, v, options));
    if (options.wrapLists?.has(tag)) return [{ tag, type: "Structure", value: items }];
    return items;
  }
  return [toTtlv(tag, value, options)];
}

export function toTtlv(tag: string, value: Exclude<KmipValue, KmipValue[]>, options: ToTtlvOptions = {}): TtlvNode {
  if (isRawNode(value)) return { ...value, tag } as TtlvNode;
  const declared = tagType(tag);
  if (value instanceof Uint8Array) return { tag, type: "ByteString", value };
  if (value instanceof Date) return { tag, type: "DateTime", value };
  switch (typeof value) {
    case "boolean":
      return { tag, type: "Boolean", value };
    case "bigint":
      return declared === "LongInteger" || declared === "DateTimeExtended"
        ? { tag, type: declared, value }
        : { tag, type: "BigInteger", value };
    case "number":
      if (declared === "Enumeration" || declared === "Interval") return { tag, type: declared, value };
      if (declared === "LongInteger") return { tag, type: "LongInteger", value: BigInt(value) };
      return { tag, type: "Integer", value };
    case "string":
      return declared === "Enumeration" ? { tag, type: "Enumeration", value } : { tag, type: "TextString", value };
    case "object": {
      const children: TtlvNode[] = [];
      for (const [childTag, childValue] of Object.entries(value as KmipRecord)) {
        children.push(...toTtlvNodes(childTag, childValue, options));
      }
      return { tag, type: "Structure", value: children };
    }
    default:
      throw new KmipError("General_Failure", `cannot encode ${typeof value} under ${tag}`);
  }
}
