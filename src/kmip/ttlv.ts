/**
 * The one JSON TTLV codec (KMIP 2.1 JSON profile, Cosmian dialect).
 *
 * A node is `{"tag": name, "type": type, "value": value}`. On input we accept both Cosmian wire
 * generations and the Cosmian JS client (docs/wire-dialects.md):
 * tags by name, alias or `0x42xxxx` hex; `type` absent meaning Structure; keys in any order;
 * enumerations by name, alias, number or `0x` hex; integers as numbers or `0x` hex; byte strings
 * as hex of either case. Every failure is a KmipError naming the path of the offending node.
 *
 * On output we emit what both Cosmian clients parse: `tag`, `type`, `value` in that order, upper-case
 * hex, enumerations by name. `omitStructureType` gives Cosmian v5's form (no `type` on Structures).
 */
import { KmipError } from "./error.ts";
import { TAGS, TAG_ALIASES, tagNameOf, type TtlvType } from "./tags.ts";
import { TAG_ENUM, enumName, enumValue } from "./enums.ts";
import { bytesToHex, hexStartAlignment, hexToBytes, utf8, writeHexUpper } from "../crypto/bytes.ts";

export type { TtlvType };

export type TtlvNode =
  | { tag: string; type: "Structure"; value: TtlvNode[] }
  | { tag: string; type: "Integer" | "Interval"; value: number }
  | { tag: string; type: "LongInteger" | "BigInteger" | "DateTimeExtended"; value: bigint }
  /** canonical variant name when known, else the number */
  | { tag: string; type: "Enumeration"; value: string | number }
  | { tag: string; type: "Boolean"; value: boolean }
  | { tag: string; type: "TextString"; value: string }
  | { tag: string; type: "ByteString"; value: Uint8Array }
  | { tag: string; type: "DateTime"; value: Date };

export const MAX_DEPTH = 32;

const TYPES = new Set<string>([
  "Structure",
  "Integer",
  "LongInteger",
  "BigInteger",
  "Enumeration",
  "Boolean",
  "TextString",
  "ByteString",
  "DateTime",
  "Interval",
  "DateTimeExtended",
]);

function invalid(path: string, message: string): KmipError {
  return new KmipError("Invalid_Message", `${path}: ${message}`);
}

/** Canonical tag name for a name, alias or `0x42xxxx` hex code; undefined when unknown. */
export function canonicalTag(tag: string): string | undefined {
  if (Object.hasOwn(TAGS, tag)) return tag; // own keys only: "constructor" or "__proto__" are no tags
  const alias = Object.hasOwn(TAG_ALIASES, tag) ? TAG_ALIASES[tag] : undefined;
  if (alias) return alias;
  if (/^0x[0-9a-fA-F]{6}$/.test(tag)) return tagNameOf(parseInt(tag, 16));
  return undefined;
}

// ----------------------------------------------------------------------------------------------
// Decoding

/** The JSON of a request body; bad JSON becomes an Invalid_Message error. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KmipError("Invalid_Message", `the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses a request body. Bad JSON and bad nodes become Invalid_Message errors. */
export function parseTtlvJson(text: string): TtlvNode {
  return decodeNode(parseJsonBody(text));
}

export function decodeNode(json: unknown, parentPath = "", depth = 0): TtlvNode {
  if (depth > MAX_DEPTH) throw invalid(parentPath || "/", `nesting deeper than ${MAX_DEPTH} levels`);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalid(parentPath || "/", "a TTLV node must be a JSON object {tag, type, value}");
  }
  const node = json as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (key !== "tag" && key !== "type" && key !== "value")
      throw invalid(parentPath || "/", `unexpected key "${key}" in a TTLV node`);
  }
  const rawTag = node.tag;
  if (typeof rawTag !== "string" || rawTag === "") throw invalid(parentPath || "/", 'missing or non-string "tag"');
  const path = `${parentPath}/${rawTag}`;
  const tag = canonicalTag(rawTag);
  if (tag === undefined) throw new KmipError("Invalid_Field", `${path}: unknown tag "${rawTag}"`);
  const type = node.type === undefined ? "Structure" : node.type;
  if (typeof type !== "string" || !TYPES.has(type)) throw invalid(path, `unknown TTLV type ${JSON.stringify(type)}`);
  if (!("value" in node)) throw invalid(path, 'missing "value"');
  return decodeValue(tag, type as TtlvType, node.value, path, depth);
}

function decodeValue(tag: string, type: TtlvType, value: unknown, path: string, depth: number): TtlvNode {
  const wrong = (expected: string) => invalid(path, `${type} value must be ${expected}, got ${describe(value)}`);
  switch (type) {
    case "Structure": {
      if (!Array.isArray(value)) throw wrong("an array of nodes");
      return { tag, type, value: value.map((child) => decodeNode(child, path, depth + 1)) };
    }
    case "Integer": {
      const n = typeof value === "string" ? hexInt(value, path) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff)
        throw wrong("a 32-bit integer");
      return { tag, type, value: n > 0x7fffffff ? n - 0x100000000 : n };
    }
    case "Interval": {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 0xffffffff)
        throw wrong("an unsigned 32-bit integer");
      return { tag, type, value };
    }
    case "LongInteger": {
      let n: bigint;
      if (typeof value === "number" && Number.isSafeInteger(value)) n = BigInt(value);
      else if (typeof value === "string" && /^0x[0-9a-fA-F]{1,16}$/.test(value)) n = BigInt.asIntN(64, BigInt(value));
      else throw wrong("an integer or 0x-prefixed hex");
      if (n < -(2n ** 63n) || n >= 2n ** 63n) throw wrong("a 64-bit integer");
      return { tag, type, value: n };
    }
    case "BigInteger": {
      if (typeof value === "number" && Number.isSafeInteger(value)) return { tag, type, value: BigInt(value) };
      if (typeof value !== "string" || value.length > 20_000) throw wrong("a 0x-prefixed hex or decimal string");
      if (/^0x[0-9a-fA-F]+$/.test(value)) {
        const hex = value.slice(2);
        const bits = BigInt(hex.length * 4);
        return { tag, type, value: BigInt.asIntN(Number(bits), BigInt(value)) };
      }
      if (/^-?[0-9]+$/.test(value)) return { tag, type, value: BigInt(value) };
      throw wrong("a 0x-prefixed hex or decimal string");
    }
    case "Enumeration": {
      if (typeof value === "number") {
        if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw wrong("a 32-bit enumeration value");
        return { tag, type, value: enumNameOrNumber(tag, value) };
      }
      if (typeof value !== "string") throw wrong("a name or a number");
      if (/^0x[0-9a-fA-F]{8}$/.test(value)) return { tag, type, value: enumNameOrNumber(tag, parseInt(value, 16)) };
      if (!(tag in TAG_ENUM)) return { tag, type, value };
      const v = enumValue(tag, value);
      if (v === undefined)
        throw new KmipError(
          "Invalid_Field",
          `${path}: unknown ${TAG_ENUM[tag]} value "${value}" (not a ${TAG_ENUM[tag]}Enumeration name)`,
        );
      return { tag, type, value: enumName(tag, v) ?? value };
    }
    case "Boolean":
      if (typeof value !== "boolean") throw wrong("true or false");
      return { tag, type, value };
    case "TextString":
      if (typeof value !== "string") throw wrong("a string");
      return { tag, type, value };
    case "ByteString":
      if (typeof value !== "string") throw wrong("a hex string");
      try {
        return { tag, type, value: hexToBytes(value) };
      } catch {
        throw wrong("an even-length hex string");
      }
    case "DateTime":
      return { tag, type, value: decodeDateTime(value, path) };
    case "DateTimeExtended": {
      if (typeof value === "string" && /^0x[0-9a-fA-F]{16}$/.test(value)) return { tag, type, value: BigInt(value) };
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0)
        return { tag, type, value: BigInt(value) };
      throw wrong("0x-prefixed 16-digit hex");
    }
  }
}

function enumNameOrNumber(tag: string, value: number): string | number {
  return enumName(tag, value) ?? value;
}

function hexInt(value: string, path: string): number {
  if (/^0x[0-9a-fA-F]{8}$/.test(value)) return parseInt(value, 16);
  if (/^0x[0-9a-fA-F]{16}$/.test(value)) {
    const n = BigInt.asIntN(64, BigInt(value));
    if (n < -(2n ** 31n) || n >= 2n ** 32n) throw invalid(path, "Integer out of 32-bit range");
    return Number(n);
  }
  throw invalid(path, `Integer value must be a number or 0x-prefixed hex, got ${describe(value)}`);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function decodeDateTime(value: unknown, path: string): Date {
  let date: Date | undefined;
  if (typeof value === "string" && /^0x[0-9a-fA-F]{16}$/.test(value))
    date = new Date(Number(BigInt.asIntN(64, BigInt(value))) * 1000);
  else if (typeof value === "string" && ISO_DATE.test(value))
    date = new Date(/(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`);
  else if (typeof value === "number" && Number.isSafeInteger(value)) date = new Date(value * 1000);
  if (!date || Number.isNaN(date.getTime()))
    throw invalid(path, `DateTime value must be an ISO 8601 date-time, got ${describe(value)}`);
  return date;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return String(value);
}

// ----------------------------------------------------------------------------------------------
// Encoding

export interface EncodeOptions {
  /** Cosmian v5 omits `"type":"Structure"`; the Cosmian JS client needs it. Default: keep it. */
  omitStructureType?: boolean;
  /** Enumeration spelling override (e.g. the JS client's own names); return undefined to keep the name. */
  enumSpelling?: (tag: string, name: string) => string | undefined;
  /** Tag spelling override (e.g. the JS client's `IvCounterNonce`). */
  tagSpelling?: Readonly<Record<string, string>>;
  /**
   * ByteStrings of at least `atLeast` bytes are left as LargeBytes (pushed to `found`) instead of
   * hex text, for ttlvJsonBytes to write their hex straight into the answer's bytes.
   */
  largeBytes?: { atLeast: number; found: LargeBytes[] };
}

/** A large ByteString value in an encoded tree: its hex is written by ttlvJsonBytes, never as a string. */
export class LargeBytes {
  constructor(readonly bytes: Uint8Array) {}
}

export type TtlvJson = { tag: string; type?: string; value: unknown };

export function encodeNode(node: TtlvNode, options: EncodeOptions = {}): TtlvJson {
  const renamed = options.tagSpelling?.[node.tag];
  if (renamed) node = { ...node, tag: renamed } as TtlvNode;
  switch (node.type) {
    case "Structure": {
      const value = node.value.map((c) => encodeNode(c, options));
      return options.omitStructureType ? { tag: node.tag, value } : { tag: node.tag, type: "Structure", value };
    }
    case "ByteString": {
      const large = options.largeBytes;
      if (large && node.value.length >= large.atLeast) {
        const value = new LargeBytes(node.value);
        large.found.push(value);
        return { tag: node.tag, type: node.type, value };
      }
      return { tag: node.tag, type: node.type, value: bytesToHex(node.value) };
    }
    case "LongInteger":
      return { tag: node.tag, type: node.type, value: hex64(node.value) };
    case "DateTimeExtended":
      return { tag: node.tag, type: node.type, value: hex64(node.value) };
    case "BigInteger":
      return { tag: node.tag, type: node.type, value: bigIntegerHex(node.value) };
    case "DateTime":
      return { tag: node.tag, type: node.type, value: node.value.toISOString().replace(/\.\d{3}Z$/, "Z") };
    case "Enumeration": {
      let value: string | number = node.value;
      if (typeof value === "string" && options.enumSpelling) value = options.enumSpelling(node.tag, value) ?? value;
      else if (typeof value === "number") value = `0x${value.toString(16).toUpperCase().padStart(8, "0")}`;
      return { tag: node.tag, type: node.type, value };
    }
    default:
      return { tag: node.tag, type: node.type, value: node.value };
  }
}

/**
 * The UTF-8 JSON text of an encoded tree holding LargeBytes values, as bytes: the same text as
 * JSON.stringify would give (keys `tag`, `type`, `value` in that order), except that up to three
 * spaces may precede a large value's opening quote (valid JSON whitespace) so that its hex, written
 * in one pass with no intermediate string, starts where the fast hex writer wants it.
 */
export function ttlvJsonBytes(json: TtlvJson): Uint8Array {
  const parts: (string | LargeBytes)[] = [];
  let text = "";
  const walk = (node: TtlvJson): void => {
    text += `{"tag":${JSON.stringify(node.tag)}`;
    if (node.type !== undefined) text += `,"type":${JSON.stringify(node.type)}`;
    text += ',"value":';
    const value = node.value;
    if (value instanceof LargeBytes) {
      parts.push(text, value);
      text = "";
    } else if (Array.isArray(value)) {
      text += "[";
      value.forEach((child, i) => {
        if (i > 0) text += ",";
        walk(child as TtlvJson);
      });
      text += "]";
    } else text += JSON.stringify(value);
    text += "}";
  };
  walk(json);
  parts.push(text);
  const encoded = parts.map((p) => (typeof p === "string" ? utf8.encode(p) : p));
  let size = 0;
  for (const p of encoded) size += p instanceof LargeBytes ? 3 + 2 + 2 * p.bytes.length : p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of encoded) {
    if (p instanceof LargeBytes) {
      const pad = (((hexStartAlignment(p.bytes) - (at + 1)) % 4) + 4) % 4;
      out.fill(0x20, at, at + pad); // spaces
      at += pad;
      out[at++] = 0x22; // "
      writeHexUpper(p.bytes, out, at);
      at += 2 * p.bytes.length;
      out[at++] = 0x22;
    } else {
      out.set(p, at);
      at += p.length;
    }
  }
  return out.subarray(0, at);
}

function hex64(n: bigint): string {
  return `0x${BigInt.asUintN(64, n).toString(16).toUpperCase().padStart(16, "0")}`;
}

/** Big-endian two's complement, sign-padded to a multiple of 8 bytes (KMIP 2.1 §9.1.1.4). */
export function bigIntegerHex(n: bigint): string {
  let bytes = 8;
  while (n < -(1n << BigInt(bytes * 8 - 1)) || n >= 1n << BigInt(bytes * 8 - 1)) bytes += 8;
  return `0x${BigInt.asUintN(bytes * 8, n)
    .toString(16)
    .toUpperCase()
    .padStart(bytes * 2, "0")}`;
}

/** The usual TTLV type of a tag, from the tag table. */
export function tagType(tag: string): TtlvType | undefined {
  return TAGS[tag]?.[1];
}
