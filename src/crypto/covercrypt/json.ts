/**
 * A small order-preserving JSON reader. `JSON.parse` moves integer-like keys ("1", "10") to the
 * front of an object, which would silently change the hierarchy of an `Ordered` policy dimension
 * (docs/covercrypt-format.md, "Policy"), so objects are read into ordered entry lists and
 * numbers keep their lexeme (serde rejects `1.0` where it wants a u32).
 */
import { CoverCryptError } from "./errors.ts";

export class JsonNumber {
  constructor(readonly raw: string) {}
}
export class JsonObject {
  constructor(readonly entries: [string, JsonValue][]) {}
  get(key: string): JsonValue | undefined {
    // serde: a repeated key keeps the last value
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i][0] === key) return this.entries[i][1];
    return undefined;
  }
}
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export const jsonError = (msg: string): CoverCryptError => new CoverCryptError("DeserializationError", msg);

const WS = /[ \t\n\r]*/y;
const NUM = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings may not hold raw U+0000..U+001F (RFC 8259 §7)
const STR = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

export function parseJson(text: string): JsonValue {
  let pos = 0;
  const ws = () => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };
  const fail = (what: string): never => {
    throw jsonError(`${what} at offset ${pos}`);
  };
  const str = (): string => {
    STR.lastIndex = pos;
    const m = STR.exec(text);
    if (!m) fail("invalid string");
    pos = STR.lastIndex;
    return JSON.parse(m![0]) as string;
  };
  const value = (depth: number): JsonValue => {
    if (depth > 128) fail("recursion limit exceeded");
    ws();
    const c = text[pos];
    if (c === "{") {
      pos++;
      const entries: [string, JsonValue][] = [];
      ws();
      if (text[pos] === "}") {
        pos++;
        return new JsonObject(entries);
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail("key must be a string");
        const k = str();
        ws();
        if (text[pos++] !== ":") fail("expected `:`");
        entries.push([k, value(depth + 1)]);
        ws();
        const d = text[pos++];
        if (d === "}") return new JsonObject(entries);
        if (d !== ",") fail("expected `,` or `}`");
      }
    }
    if (c === "[") {
      pos++;
      const items: JsonValue[] = [];
      ws();
      if (text[pos] === "]") {
        pos++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const d = text[pos++];
        if (d === "]") return items;
        if (d !== ",") fail("expected `,` or `]`");
      }
    }
    if (c === '"') return str();
    for (const [lit, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(lit, pos)) {
        pos += lit.length;
        return v;
      }
    }
    NUM.lastIndex = pos;
    const m = NUM.exec(text);
    if (!m) fail("expected value");
    pos = NUM.lastIndex;
    return new JsonNumber(m![0]);
  };
  const v = value(0);
  ws();
  if (pos !== text.length) fail("trailing characters");
  return v;
}

/** serde `u32`: an integer lexeme in [0, 2^32). */
export function asU32(v: JsonValue | undefined, field: string): number {
  if (!(v instanceof JsonNumber) || !/^(0|[1-9][0-9]*)$/.test(v.raw))
    throw jsonError(`invalid type for \`${field}\`, expected u32`);
  const n = Number(v.raw);
  if (n > 0xffffffff) throw jsonError(`invalid value for \`${field}\`, expected u32`);
  return n;
}

export function asObject(v: JsonValue | undefined, field: string): JsonObject {
  if (!(v instanceof JsonObject)) throw jsonError(`invalid type for \`${field}\`, expected a map`);
  return v;
}

export function required(o: JsonObject, field: string): JsonValue {
  const v = o.get(field);
  if (v === undefined) throw jsonError(`missing field \`${field}\``);
  return v;
}

/** serde_json writes strings exactly as JSON.stringify does (raw UTF-8, lowercase \u00xx escapes). */
export const jsonString = (s: string): string => JSON.stringify(s);
