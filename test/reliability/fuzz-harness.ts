/**
 * Hostile-input fuzzer shared by the CI test (test/reliability/fuzz.test.ts) and the long script
 * (bench/fuzz.ts): mutates valid KMIP requests and access bodies (truncation, wrong types, huge
 * numbers, deep nesting, enormous strings, invalid hex, unknown tags and enumerations, names of
 * Object.prototype members as tags, types, enumerations and attribute names, oversized lists,
 * missing and extra fields, random bytes) and sends them to every route. Every answer must be a clear 2xx/4xx,
 * never a 5xx or a stack trace, and a rejected request must leave the store unchanged.
 */
import { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import path from "node:path";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deterministic PRNG (mulberry32), so a failing input can be replayed from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

const node = (tag: string, type: string, value: Json): Json => ({ tag, type, value });
const s = (tag: string, ...value: Json[]): Json => ({ tag, type: "Structure", value });

export function seeds(uid: string): { route: string; body: Json }[] {
  const attrs = s(
    "Attributes",
    node("CryptographicAlgorithm", "Enumeration", "AES"),
    node("CryptographicLength", "Integer", 256),
    s(
      "VendorAttributes",
      s(
        "VendorAttributes",
        node("VendorIdentification", "TextString", "cosmian"),
        node("AttributeName", "TextString", "tag"),
        node("AttributeValue", "ByteString", "5b2266757a7a225d"),
      ),
    ),
  );
  const kmip: Json[] = [
    s("Create", node("ObjectType", "Enumeration", "SymmetricKey"), attrs),
    s(
      "Encrypt",
      node("UniqueIdentifier", "TextString", uid),
      node("Data", "ByteString", "00112233"),
      node("IvCounterNonce", "ByteString", "000102030405060708090a0b"),
    ),
    s(
      "Decrypt",
      node("UniqueIdentifier", "TextString", uid),
      node("Data", "ByteString", "00112233"),
      node("IvCounterNonce", "ByteString", "000102030405060708090a0b"),
      node("AuthenticatedEncryptionTag", "ByteString", "00".repeat(16)),
    ),
    s("Get", node("KeyFormatType", "Enumeration", "Raw"), node("UniqueIdentifier", "TextString", uid)),
    s("GetAttributes", node("UniqueIdentifier", "TextString", uid), node("AttributeReference", "Enumeration", "State")),
    s("Locate", node("MaximumItems", "Integer", 5), attrs),
    s(
      "Import",
      node("UniqueIdentifier", "TextString", "fuzz-import"),
      node("ObjectType", "Enumeration", "SymmetricKey"),
      attrs,
      s(
        "Object",
        s(
          "KeyBlock",
          node("KeyFormatType", "Enumeration", "Raw"),
          s("KeyValue", node("KeyMaterial", "ByteString", "11".repeat(32))),
          node("CryptographicAlgorithm", "Enumeration", "AES"),
        ),
      ),
    ),
    s("Revoke", node("UniqueIdentifier", "TextString", uid), node("RevocationReason", "TextString", "fuzz")),
    s(
      "SetAttribute",
      node("UniqueIdentifier", "TextString", uid),
      s("NewAttribute", node("Description", "TextString", "fuzz")),
    ),
    s("ReKey", node("UniqueIdentifier", "TextString", uid)),
    s("Destroy", node("UniqueIdentifier", "TextString", uid)),
    s("RNGRetrieve", node("DataLength", "Integer", 16)),
    s("Query", node("QueryFunction", "Enumeration", "QueryOperations")),
    s(
      "RequestMessage",
      s(
        "RequestHeader",
        s("ProtocolVersion", node("ProtocolVersionMajor", "Integer", 2), node("ProtocolVersionMinor", "Integer", 1)),
        node("BatchCount", "Integer", 1),
      ),
      s(
        "BatchItem",
        node("Operation", "Enumeration", "Get"),
        s("RequestPayload", node("UniqueIdentifier", "TextString", uid)),
      ),
    ),
  ];
  const access: Json = { unique_identifier: uid, user_id: "mallory", operation_types: ["get"] };
  return [
    ...kmip.map((body) => ({ route: "/kmip/2_1", body })),
    { route: "/kmip", body: kmip[kmip.length - 1] },
    { route: "/access/grant", body: access },
    { route: "/access/revoke", body: access },
  ];
}

/** Names that a plain-object lookup would resolve to Object.prototype members. */
export const PROTOTYPE_NAMES = [
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
];

const NASTY: Json[] = [
  null,
  true,
  -1,
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 1,
  1e308,
  -1e308,
  0.5,
  "",
  "x".repeat(100_000),
  "zz",
  "0x",
  "0xFFFFFFFFFFFFFFFFFF",
  "\u0000",
  "\ud800",
  "../../etc/passwd",
  "'; DROP TABLE objects; --",
  '["a"]',
  "[",
  {},
  [],
  [[[]]],
  { tag: "Nope", type: "Structure", value: [] },
  "SymmetricKey",
  "NotAnEnum",
  "9999-99-99T99:99:99Z",
  ...PROTOTYPE_NAMES,
];
const TAGS = [
  "UniqueIdentifier",
  "Data",
  "Attributes",
  "ObjectType",
  "Frobnicate",
  "0x420094",
  "0x999999",
  "Link",
  "KeyBlock",
  "AttributeValue",
  ...PROTOTYPE_NAMES,
];
const TYPES = [
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
  "Nope",
  ...PROTOTYPE_NAMES,
];

function clone(x: Json): Json {
  return x === null || typeof x !== "object" ? x : JSON.parse(JSON.stringify(x));
}

/** All objects (and arrays) inside `x`, to pick a place to mutate. */
function places(x: Json, out: (Json[] | { [k: string]: Json })[] = []): (Json[] | { [k: string]: Json })[] {
  if (x && typeof x === "object") {
    out.push(x as never);
    for (const v of Array.isArray(x) ? x : Object.values(x)) places(v, out);
  }
  return out;
}

function deep(depth: number): Json {
  let v: Json = node("Data", "ByteString", "00");
  for (let i = 0; i < depth; i++) v = s("Attributes", v);
  return v;
}

/** A list grown far past what a client sends: thousands of batch items, tags, names or links. */
function oversized(seed: Json, r: ReturnType<typeof prng>): string {
  const n = [300, 1001, 5000][r.int(3)];
  const pick = r.int(4);
  if (pick === 0) {
    const item = s(
      "BatchItem",
      node("Operation", "Enumeration", "Query"),
      s("RequestPayload", node("QueryFunction", "Enumeration", "QueryOperations")),
    );
    return JSON.stringify(
      s(
        "RequestMessage",
        s(
          "RequestHeader",
          s("ProtocolVersion", node("ProtocolVersionMajor", "Integer", 2), node("ProtocolVersionMinor", "Integer", 1)),
          node("BatchCount", "Integer", n),
        ),
        ...Array.from({ length: n }, () => item),
      ),
    );
  }
  const many: Json[] =
    pick === 1
      ? [
          s(
            "VendorAttributes",
            s(
              "VendorAttributes",
              node("VendorIdentification", "TextString", "cosmian"),
              node("AttributeName", "TextString", "tag"),
              node("AttributeValue", "TextString", JSON.stringify(Array.from({ length: n }, (_, i) => `t${i}`))),
            ),
          ),
        ]
      : pick === 2
        ? Array.from({ length: n }, (_, i) =>
            s(
              "Name",
              node("NameValue", "TextString", `n${i}`),
              node("NameType", "Enumeration", "UninterpretedTextString"),
            ),
          )
        : Array.from({ length: n }, (_, i) =>
            s(
              "Link",
              node("LinkType", "Enumeration", "ParentLink"),
              node("LinkedObjectIdentifier", "TextString", `id${i}`),
            ),
          );
  const body = clone(seed) as { tag?: string; value?: Json[] };
  const attrs = Array.isArray(body.value)
    ? (body.value.find((x) => (x as { tag?: string })?.tag === "Attributes") as { value?: Json[] } | undefined)
    : undefined;
  if (attrs && Array.isArray(attrs.value)) attrs.value.push(...many);
  else if (Array.isArray(body.value)) body.value.push(s("Attributes", ...many));
  return JSON.stringify(body);
}

/** The seed with one tag, type, enumeration value or attribute name replaced by an Object.prototype member's name. */
function prototypeNames(seed: Json, r: ReturnType<typeof prng>): string {
  const body = clone(seed);
  const nodes = places(body).filter((x): x is { [k: string]: Json } => !Array.isArray(x) && typeof x.tag === "string");
  const name = r.pick(PROTOTYPE_NAMES);
  if (nodes.length === 0) {
    // an /access body: {unique_identifier, user_id, operation_types}
    const o = body as { [k: string]: Json };
    const key = r.pick(Object.keys(o));
    o[key] = Array.isArray(o[key]) ? [name] : name;
    return JSON.stringify(body);
  }
  const target = r.pick(nodes);
  const field = r.pick(["tag", "type", "value"] as const);
  if (field === "value" && target.type === "Structure") target.value = [node(name, "TextString", "x")];
  else target[field] = name;
  return JSON.stringify(body);
}

/** One mutated request body (a string: some mutations are not valid JSON at all). */
export function mutate(seed: Json, r: ReturnType<typeof prng>): string {
  const kind = r.int(14);
  if (kind === 12) return oversized(seed, r);
  if (kind === 13) return prototypeNames(seed, r);
  if (kind === 0) {
    const text = JSON.stringify(seed);
    return text.slice(0, r.int(text.length)); // truncated
  }
  if (kind === 1) return Array.from({ length: r.int(200) }, () => String.fromCharCode(r.int(256))).join(""); // random bytes
  if (kind === 2) return JSON.stringify(deep(20 + r.int(2000))); // deep nesting
  const body = clone(seed);
  const rounds = 1 + r.int(3);
  for (let i = 0; i < rounds; i++) {
    const target = r.pick(places(body));
    if (Array.isArray(target)) {
      const op = r.int(4);
      if (op === 0 && target.length)
        target.splice(r.int(target.length), 1); // missing field
      else if (op === 1)
        target.push(node(r.pick(TAGS), r.pick(TYPES), clone(r.pick(NASTY)))); // extra field
      else if (op === 2 && target.length) target[r.int(target.length)] = clone(r.pick(NASTY));
      else target.push(...Array.from({ length: r.int(50) }, () => clone(target[0] ?? null)));
    } else {
      const keys = Object.keys(target);
      const key = keys.length ? r.pick(keys) : "tag";
      const op = r.int(5);
      if (op === 0) target[key] = clone(r.pick(NASTY));
      else if (op === 1) delete target[key];
      else if (op === 2) target[r.pick(["extra", "Tag", "VALUE", "type"])] = clone(r.pick(NASTY));
      else if (op === 3 && "type" in target) target.type = r.pick(TYPES);
      else if ("tag" in target) target.tag = r.pick(TAGS);
      else target[key] = clone(r.pick(NASTY));
    }
  }
  return JSON.stringify(body);
}

/** A digest of everything the store holds (objects, tags, grants). */
export function storeDigest(dataDir: string): string {
  const db = new Database(path.join(dataDir, "kms.db"), { readonly: true });
  try {
    const h = createHash("sha256");
    for (const table of ["objects", "tags", "grants"]) {
      for (const row of db.query(`SELECT * FROM ${table} ORDER BY rowid`).all()) h.update(JSON.stringify(row));
    }
    return h.digest("hex");
  } finally {
    db.close();
  }
}

export interface FuzzResult {
  tried: number;
  accepted: number;
  rejected: number;
  problems: string[];
}

export async function fuzz(url: string, dataDir: string, uid: string, count: number, seed = 1): Promise<FuzzResult> {
  const r = prng(seed);
  const all = seeds(uid);
  const result: FuzzResult = { tried: 0, accepted: 0, rejected: 0, problems: [] };
  let before = storeDigest(dataDir);
  for (let i = 0; i < count; i++) {
    const { route, body } = r.pick(all);
    const text = mutate(body, r);
    const res = await fetch(url + route, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
    });
    const answer = await res.text();
    result.tried++;
    const failed = res.status >= 400 || (route !== "/access/grant" && /OperationFailed/.test(answer));
    if (res.status >= 500)
      result.problems.push(`#${i} ${route} -> ${res.status} ${answer.slice(0, 200)} for ${text.slice(0, 200)}`);
    if (/\bat .*\.(ts|js):\d+/.test(answer)) result.problems.push(`#${i} ${route}: stack trace in the answer`);
    if (res.status >= 400) {
      result.rejected++;
      const after = storeDigest(dataDir);
      if (after !== before)
        result.problems.push(
          `#${i} ${route}: a rejected request (${res.status}) changed the store: ${text.slice(0, 200)}`,
        );
      before = after;
    } else {
      if (!failed) result.accepted++;
      before = storeDigest(dataDir);
    }
  }
  return result;
}
