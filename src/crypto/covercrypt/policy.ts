/**
 * CoverCrypt v14 policy: the V2 JSON model, its byte-exact (serde_json compact) writer, conversion
 * of V1/legacy JSON, and the universe of partitions. Format: docs/covercrypt-format.md, "Policy".
 *
 * Maps are JS `Map`s, which keep insertion order for every key (unlike plain objects), so an
 * `Ordered` dimension keeps its hierarchy (lowest first) and re-serialising a cloudproof_js policy
 * gives back the same bytes.
 */
import { utf8 } from "../bytes.ts";
import { ByteWriter } from "./bytes-io.ts";
import { CoverCryptError } from "./errors.ts";
import { asObject, asU32, JsonObject, jsonError, jsonString, parseJson, required, type JsonValue } from "./json.ts";

export type EncryptionHint = "Classic" | "Hybridized";
export type WriteStatus = "EncryptDecrypt" | "DecryptOnly";

export interface AttributeParameters {
  id: number;
  encryptionHint: EncryptionHint;
  writeStatus: WriteStatus;
}

export interface Dimension {
  /** `Ordered` (hierarchical: attribute order = hierarchy, lowest first) or `Unordered`. */
  ordered: boolean;
  attributes: Map<string, AttributeParameters>;
}

export interface Policy {
  version: "V2";
  /** Highest attribute id ever assigned; ids are never reused. */
  lastAttributeValue: number;
  dimensions: Map<string, Dimension>;
}

/** One partition of the universe with its hybridization and write status. */
export interface PartitionInfo {
  partition: Uint8Array;
  hint: EncryptionHint;
  status: WriteStatus;
}

export const MAX_PARTITION_ATTRIBUTES = 200;

/** Partition bytes: the ids sorted ascending, each as LEB128. */
export function partitionFromIds(ids: number[]): Uint8Array {
  if (ids.length > MAX_PARTITION_ATTRIBUTES) {
    throw new CoverCryptError(
      "InvalidAttribute",
      "The current implementation does not currently support more than 200 attributes for a partition",
    );
  }
  const w = new ByteWriter();
  for (const id of [...ids].sort((a, b) => a - b)) w.leb128(id);
  return w.finish();
}

/** Map key for a partition (partition bytes are public). */
export function partitionKey(partition: Uint8Array): string {
  let s = "";
  for (let i = 0; i < partition.length; i++) s += HEX[partition[i]];
  return s;
}
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function emptyPolicy(): Policy {
  return { version: "V2", lastAttributeValue: 0, dimensions: new Map() };
}

export function clonePolicy(p: Policy): Policy {
  const dimensions = new Map<string, Dimension>();
  for (const [name, d] of p.dimensions) {
    const attributes = new Map<string, AttributeParameters>();
    for (const [a, params] of d.attributes) attributes.set(a, { ...params });
    dimensions.set(name, { ordered: d.ordered, attributes });
  }
  return { version: "V2", lastAttributeValue: p.lastAttributeValue, dimensions };
}

// ---------------------------------------------------------------------------------------------
// JSON

function asEnum<T extends string>(v: JsonValue | undefined, allowed: readonly T[], field: string): T {
  if (typeof v !== "string") throw jsonError(`invalid type for \`${field}\`, expected a string`);
  if (!(allowed as readonly string[]).includes(v)) {
    throw jsonError(`unknown variant \`${v}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(", ")}`);
  }
  return v as T;
}

const HINTS = ["Hybridized", "Classic"] as const;
const STATUSES = ["EncryptDecrypt", "DecryptOnly"] as const;

function readV2(root: JsonObject): Policy {
  asEnum(required(root, "version"), ["V1", "V2"] as const, "version");
  const lastAttributeValue = asU32(required(root, "last_attribute_value"), "last_attribute_value");
  const dims = asObject(required(root, "dimensions"), "dimensions");
  const dimensions = new Map<string, Dimension>();
  for (const [name, dv] of dims.entries) {
    const tagged = asObject(dv, name);
    if (tagged.entries.length !== 1) throw jsonError("expected an externally tagged enum `Ordered` or `Unordered`");
    const [tag, body] = tagged.entries[0];
    const ordered = asEnum(tag, ["Unordered", "Ordered"] as const, "Dimension") === "Ordered";
    const attributes = new Map<string, AttributeParameters>();
    for (const [attr, av] of asObject(body, tag).entries) {
      const o = asObject(av, attr);
      attributes.set(attr, {
        id: asU32(required(o, "id"), "id"),
        encryptionHint: asEnum(required(o, "encryption_hint"), HINTS, "encryption_hint"),
        writeStatus: asEnum(required(o, "write_status"), STATUSES, "write_status"),
      });
    }
    dimensions.set(name, { ordered, attributes });
  }
  return { version: "V2", lastAttributeValue, dimensions };
}

/** `Dim::Name` → [dim, name], as Cosmian's `Attribute::try_from(&str)`. */
export function parseAttribute(s: string): [string, string] {
  const t = rustTrim(s);
  const i = t.indexOf("::");
  if (i < 0) throw new CoverCryptError("InvalidAttribute", `at least one separator '::' expected in ${s}`);
  const dim = t.slice(0, i);
  const name = t.slice(i + 2);
  if (name.includes("::")) throw new CoverCryptError("InvalidAttribute", `separator '::' expected only once in ${s}`);
  if (!dim || !name) throw new CoverCryptError("InvalidAttribute", `empty dimension or empty name in ${s}`);
  return [dim, name];
}

/** Rust `str::trim` (Unicode White_Space; unlike JS it trims U+0085 and keeps U+FEFF). */
export function rustTrim(s: string): string {
  return s.replace(
    /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g,
    "",
  );
}

/** Whether one character is White_Space for Rust's `str::trim` (the set rustTrim removes). */
export function isRustWhitespace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/**
 * V1 and legacy policies. Cosmian builds each hierarchy from hash-map iteration order
 * (random); we use `attribute_names` order instead, which is what the author of the policy meant.
 */
function readOld(root: JsonObject, isV1: boolean): Policy {
  const lastAttributeValue = asU32(required(root, "last_attribute_value"), "last_attribute_value");
  asU32(required(root, "max_attribute_creations"), "max_attribute_creations");
  const axes = asObject(required(root, "axes"), "axes");
  const attrs = asObject(required(root, "attributes"), "attributes");
  const byDim = new Map<string, Map<string, AttributeParameters>>();
  for (const [key, v] of attrs.entries) {
    const [dim, name] = parseAttribute(key);
    let values: JsonValue;
    let hint: EncryptionHint = "Classic";
    if (isV1) {
      const o = asObject(v, key);
      values = required(o, "values");
      hint = asEnum(required(o, "encryption_hint"), HINTS, "encryption_hint");
    } else values = v;
    if (!Array.isArray(values)) throw jsonError(`invalid type for \`${key}\`, expected a sequence`);
    const ids = values.map((x) => asU32(x, "values"));
    if (ids.length === 0) throw jsonError(`attribute ${key} has no value`); // Rust would panic (unwrap)
    if (!byDim.has(dim)) byDim.set(dim, new Map());
    byDim.get(dim)!.set(name, { id: ids[0], encryptionHint: hint, writeStatus: "EncryptDecrypt" });
  }
  const dimensions = new Map<string, Dimension>();
  for (const [axis, av] of axes.entries) {
    let names: JsonValue;
    let hierarchical: JsonValue;
    if (Array.isArray(av)) {
      if (av.length !== 2)
        throw jsonError(`invalid length ${av.length}, expected struct OldPolicyAxisParameters with 2 elements`);
      [names, hierarchical] = av;
    } else {
      const o = asObject(av, axis);
      names = required(o, "attribute_names");
      hierarchical = required(o, "is_hierarchical");
    }
    if (!Array.isArray(names) || names.some((n) => typeof n !== "string"))
      throw jsonError("`attribute_names` must be a list of strings");
    if (typeof hierarchical !== "boolean") throw jsonError("`is_hierarchical` must be a boolean");
    const found = byDim.get(axis) ?? new Map<string, AttributeParameters>();
    const attributes = new Map<string, AttributeParameters>();
    for (const n of names as string[]) if (found.has(n)) attributes.set(n, found.get(n)!);
    for (const [n, p] of found) if (!attributes.has(n)) attributes.set(n, p);
    dimensions.set(axis, { ordered: hierarchical, attributes });
  }
  return { version: "V2", lastAttributeValue, dimensions };
}

function rootObject(json: string | Uint8Array): JsonObject {
  let text: string;
  try {
    text = typeof json === "string" ? json : utf8.decode(json);
  } catch {
    throw jsonError("invalid UTF-8");
  }
  const root = parseJson(text);
  if (!(root instanceof JsonObject)) throw jsonError("invalid type, expected struct Policy");
  return root;
}

/**
 * `Policy::parse_and_convert` (used by Cosmian for key generation and by the KMS): V2, V1 or
 * legacy JSON, always returned as V2.
 */
export function parse(json: string | Uint8Array): Policy {
  const root = rootObject(json);
  const version = root.get("version");
  if (version === undefined) return readOld(root, false);
  if (asEnum(version, ["V1", "V2"] as const, "version") === "V1") return readOld(root, true);
  return readV2(root);
}

/** Strict V2 parse (what cloudproof_js `encrypt` accepts: V1/legacy fail with a missing field). */
export function parseV2(json: string | Uint8Array): Policy {
  return readV2(rootObject(json));
}

/** serde_json compact serialization, field order as in the Rust structs. */
export function serialize(policy: Policy): string {
  let out = `{"version":"V2","last_attribute_value":${policy.lastAttributeValue},"dimensions":{`;
  let firstDim = true;
  for (const [name, dim] of policy.dimensions) {
    if (!firstDim) out += ",";
    firstDim = false;
    out += `${jsonString(name)}:{"${dim.ordered ? "Ordered" : "Unordered"}":{`;
    let firstAttr = true;
    for (const [attr, p] of dim.attributes) {
      if (!firstAttr) out += ",";
      firstAttr = false;
      out += `${jsonString(attr)}:{"id":${p.id},"encryption_hint":"${p.encryptionHint}","write_status":"${p.writeStatus}"}`;
    }
    out += "}}";
  }
  return out + "}}";
}

export function toBytes(policy: Policy): Uint8Array {
  return utf8.encode(serialize(policy));
}

/** Looks up `dim::name`; DimensionNotFound / AttributeNotFound as in Cosmian. */
export function getAttribute(policy: Policy, dim: string, name: string): AttributeParameters {
  const d = policy.dimensions.get(dim);
  if (!d) throw new CoverCryptError("DimensionNotFound", dim);
  const a = d.attributes.get(name);
  if (!a) throw new CoverCryptError("AttributeNotFound", `${dim}::${name}`);
  return a;
}

/**
 * Cartesian product of the given per-dimension attribute lists (dimension order = list order),
 * with the combined hint (any Hybridized) and status (any DecryptOnly). Zero dimensions give one
 * empty partition, as in Cosmian.
 */
export function combine(
  lists: AttributeParameters[][],
): { ids: number[]; hint: EncryptionHint; status: WriteStatus }[] {
  let acc: { ids: number[]; hint: EncryptionHint; status: WriteStatus }[] = [
    { ids: [], hint: "Classic", status: "EncryptDecrypt" },
  ];
  for (let d = lists.length - 1; d >= 0; d--) {
    const next: typeof acc = [];
    for (const a of lists[d]) {
      for (const o of acc) {
        next.push({
          ids: [a.id, ...o.ids],
          hint: a.encryptionHint === "Hybridized" || o.hint === "Hybridized" ? "Hybridized" : "Classic",
          status: a.writeStatus === "DecryptOnly" || o.status === "DecryptOnly" ? "DecryptOnly" : "EncryptDecrypt",
        });
      }
    }
    acc = next;
  }
  return acc;
}

/** `generate_all_partitions`: every partition of the universe, keyed by `partitionKey`. */
export function allPartitions(policy: Policy): Map<string, PartitionInfo> {
  const lists = [...policy.dimensions.values()].map((d) => [...d.attributes.values()]);
  const out = new Map<string, PartitionInfo>();
  for (const c of combine(lists)) {
    const partition = partitionFromIds(c.ids);
    out.set(partitionKey(partition), { partition, hint: c.hint, status: c.status });
  }
  return out;
}
