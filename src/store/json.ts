/**
 * Lossless JSON for stored KMIP records: bytes, dates, bigints and raw TTLV nodes are tagged
 * (`{"$b": hex}`, `{"$d": iso}`, `{"$n": decimal}`, `{"$node": {...}}`) so that what is read back is
 * exactly what was written. Used by the SQL backends only.
 */
import { bytesToHex, hexToBytes } from "../crypto/bytes.ts";
import { isRawNode, rawNode, type KmipValue } from "../kmip/struct.ts";
import type { TtlvNode } from "../kmip/ttlv.ts";

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b: bytesToHex(value) };
  if (value instanceof Date) return { $d: value.toISOString() };
  if (typeof value === "bigint") return { $n: value.toString() };
  if (isRawNode(value)) return { $node: { tag: value.tag, type: value.type, value: encode(value.value) } };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v);
    return out;
  }
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("$b" in o) return hexToBytes(o.$b as string);
    if ("$d" in o) return new Date(o.$d as string);
    if ("$n" in o) return BigInt(o.$n as string);
    if ("$node" in o) {
      const n = o.$node as { tag: string; type: string; value: unknown };
      return rawNode({ tag: n.tag, type: n.type, value: decode(n.value) } as TtlvNode);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = decode(v);
    return out;
  }
  return value;
}

export function toStoredJson(value: KmipValue | object): string {
  return JSON.stringify(encode(value));
}

export function fromStoredJson<T>(text: string): T {
  return decode(JSON.parse(text)) as T;
}
