/**
 * valibot building blocks for typed KMIP messages (validate once, at the edge).
 *
 * Schemas read the records made by struct.ts#fromTtlv and normalise the dialects we accept:
 * lists given as repeated siblings or as a wrapper Structure of the same tag (Cosmian JS client),
 * enumerations given as names or numbers, integers where Cosmian is lenient. `parseKmip` turns
 * valibot issues into one Invalid_Field KmipError naming the path.
 */
import * as v from "valibot";
import { KmipError } from "./error.ts";
import { enumName, enumValue, TAG_ENUM } from "./enums.ts";
import { isRawNode, type KmipRecord } from "./struct.ts";
import type { TtlvNode } from "./ttlv.ts";

export type Schema<T> = v.GenericSchema<unknown, T>;

export const text = v.string();
export const bytes = v.instance(Uint8Array);
export const bool = v.boolean();
export const date = v.date();
export const int = v.pipe(v.number(), v.integer());
export const uint = v.pipe(v.number(), v.integer(), v.minValue(0));
export const bigint = v.union([
  v.bigint(),
  v.pipe(
    v.number(),
    v.integer(),
    v.transform((n) => BigInt(n)),
  ),
]);
/** A raw typed node (vendor AttributeValue). */
export const rawValue = v.custom<TtlvNode>(isRawNode, "expected a TTLV value");

/** An enumeration under `tag`, as its canonical name; numbers are resolved through the table. */
export function enumOf(tag: string): Schema<string> {
  return v.pipe(
    v.union([v.string(), v.number()]),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      if (!(tag in TAG_ENUM)) return String(raw);
      const value = enumValue(tag, raw);
      const name = value === undefined ? undefined : enumName(tag, value);
      if (name === undefined) {
        addIssue({ message: `unknown ${TAG_ENUM[tag]} value ${JSON.stringify(raw)}` });
        return NEVER;
      }
      return name;
    }),
  );
}

/**
 * A list under `tag`: one item, repeated items, or a wrapper record `{[tag]: item | item[]}`
 * (the Cosmian JS client sends `Link` and `VendorAttributes` that way).
 */
export function listOf<T>(tag: string, item: Schema<T>): Schema<T[]> {
  return v.pipe(
    v.unknown(),
    v.transform((value) => {
      if (value === undefined) return [];
      const values = Array.isArray(value) ? value : [value];
      return values.flatMap((x) => (isWrapper(tag, x) ? ([] as unknown[]).concat((x as KmipRecord)[tag]) : [x]));
    }),
    v.array(item),
  );
}

function isWrapper(tag: string, x: unknown): boolean {
  if (
    typeof x !== "object" ||
    x === null ||
    Array.isArray(x) ||
    x instanceof Uint8Array ||
    x instanceof Date ||
    isRawNode(x)
  )
    return false;
  const keys = Object.keys(x);
  return keys.length === 0 || (keys.length === 1 && keys[0] === tag);
}

export const optionalList = <T>(tag: string, item: Schema<T>) => v.optional(listOf(tag, item));

/** One value where KMIP allows one; if the client repeats it, the first wins (Cosmian takes the first too). */
export function single<T>(item: Schema<T>): Schema<T> {
  return v.pipe(
    v.unknown(),
    v.transform((x) => (Array.isArray(x) ? x[0] : x)),
    item,
  );
}

/** Parse `input` with `schema`; failures become a KmipError naming the field path. */
export function parseKmip<T>(schema: Schema<T>, input: unknown, root: string): T {
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((p) => (typeof p.key === "number" ? `[${p.key}]` : `/${String(p.key)}`)).join("");
  const missing = issue.kind === "schema" && issue.input === undefined;
  throw new KmipError(
    missing ? "Invalid_Message" : "Invalid_Field",
    missing ? `${root}${path}: missing field` : `${root}${path}: ${issue.message}`,
  );
}
