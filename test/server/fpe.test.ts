/**
 * FPE_FF1 through real HTTP (docs/fpe-ff1.md, "In the KMS"): Create with the `fpe-ff1` tag, Encrypt/Decrypt of text, integers and floats exactly as
 * Cosmian KMS >= 5.24 (byte-identical with src/crypto/ff1/kms.ts and with the cloudproof_js
 * vectors), this server's extensions (additionalCharacters, big_integer, NIST rounds), the errors,
 * key states, both wire dialects and the real cloudproof_kms_js client.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { CryptographicParameters, KmsClient } from "cloudproof_kms_js";
import vectors from "../vectors/fpe/fpe-vectors.json";
import * as kms from "../../src/crypto/ff1/kms.ts";
import {
  expectKmipError,
  useTestServer,
  find,
  findAll,
  fromHex,
  hex,
  postKmip,
  t,
  v5,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

let server: TestServer;
useTestServer((s) => (server = s));

const kmip = (body: unknown) => postKmip(server.url, body);
const utf8 = (s: string) => new TextEncoder().encode(s);
const README_TWEAK = hex("unique tweak");
const ZERO_KEY = "00".repeat(32);

const tagAttr = (tags: string[]) =>
  t.s(
    "VendorAttributes",
    t.s(
      "VendorAttributes",
      t.text("VendorIdentification", "cosmian"),
      t.text("AttributeName", "tag"),
      t.b("AttributeValue", hex(JSON.stringify(tags))),
    ),
  );

async function locate(tags: string[]): Promise<unknown[]> {
  const r = await kmip(t.s("Locate", t.s("Attributes", tagAttr(tags))));
  expect(r.status, r.text).toBe(200);
  return findAll(find(r.json, "UniqueIdentifier"), "UniqueIdentifier")
    .filter((n) => n.type === "TextString")
    .map((n) => n.value);
}

async function createFpeKey(extra: Node[] = []): Promise<string> {
  const r = await kmip(
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "FPE_FF1"), ...extra),
    ),
  );
  expect(r.status, r.text).toBe(200);
  return valueOf(r.json, "UniqueIdentifier") as string;
}

/** Imports known key bytes (vectors), as FPE_FF1 by default. */
async function importKey(keyHex: string, algorithm = "FPE_FF1"): Promise<string> {
  const bits = keyHex.length * 4;
  const attrs = t.s(
    "Attributes",
    t.e("CryptographicAlgorithm", algorithm),
    t.int("CryptographicLength", bits),
    t.e("KeyFormatType", "TransparentSymmetricKey"),
  );
  const r = await kmip(
    t.s(
      "Import",
      t.text("UniqueIdentifier", `fpe-${crypto.randomUUID()}`),
      t.e("ObjectType", "SymmetricKey"),
      attrs,
      t.s(
        "Object",
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", "TransparentSymmetricKey"),
          t.s("KeyValue", t.s("KeyMaterial", t.b("Key", keyHex))),
          t.e("CryptographicAlgorithm", algorithm),
          t.int("CryptographicLength", bits),
        ),
      ),
    ),
  );
  expect(r.status, r.text).toBe(200);
  return valueOf(r.json, "UniqueIdentifier") as string;
}

const keyIds = new Map<string, string>();
async function keyFor(keyHex: string): Promise<string> {
  const k = keyHex.toLowerCase();
  if (!keyIds.has(k)) keyIds.set(k, await importKey(k));
  return keyIds.get(k)!;
}

interface FpeOptions {
  aad?: string | Uint8Array;
  tweak?: string; // hex
  algorithm?: string; // CryptographicParameters.CryptographicAlgorithm
  dialect?: "js" | "v5";
  extra?: Node[];
}

interface FpeResult {
  status: number;
  text: string;
  json?: Node;
  out?: string; // Data decoded as UTF-8
}

/** One FPE Encrypt or Decrypt; `data` is text (or raw bytes). */
async function fpe(
  op: "Encrypt" | "Decrypt",
  uid: string,
  data: string | Uint8Array,
  o: FpeOptions = {},
): Promise<FpeResult> {
  const fields: Node[] = [t.text("UniqueIdentifier", uid)];
  if (o.algorithm) fields.push(t.s("CryptographicParameters", t.e("CryptographicAlgorithm", o.algorithm)));
  fields.push(t.b("Data", hex(typeof data === "string" ? utf8(data) : data)));
  if (o.tweak !== undefined) fields.push(t.b(o.dialect === "v5" ? "IVCounterNonce" : "IvCounterNonce", o.tweak));
  if (o.aad !== undefined)
    fields.push(t.b("AuthenticatedEncryptionAdditionalData", hex(typeof o.aad === "string" ? utf8(o.aad) : o.aad)));
  fields.push(...(o.extra ?? []));
  const body = t.s(op, ...fields);
  const r = await kmip(o.dialect === "v5" ? v5(body) : body);
  const data64 = r.status === 200 ? (valueOf(r.json, "Data") as string) : undefined;
  return { ...r, out: data64 === undefined ? undefined : Buffer.from(data64, "hex").toString("utf8") };
}

async function enc(uid: string, data: string, o: FpeOptions = {}): Promise<string> {
  const r = await fpe("Encrypt", uid, data, o);
  expect(r.status, r.text).toBe(200);
  return r.out!;
}
async function dec(uid: string, data: string, o: FpeOptions = {}): Promise<string> {
  const r = await fpe("Decrypt", uid, data, o);
  expect(r.status, r.text).toBe(200);
  return r.out!;
}

/** The library's answer (src/crypto/ff1/kms.ts) for the same inputs. */
function lib(op: "encrypt" | "decrypt", keyHex: string, data: string, aad?: string, tweakHex = ""): string {
  return new TextDecoder().decode(
    kms[op](fromHex(keyHex), utf8(data), aad === undefined ? undefined : utf8(aad), fromHex(tweakHex)),
  );
}

describe("Create", () => {
  test("a 256-bit FPE_FF1 key, tagged fpe-ff1 like Cosmian; usable by tags", async () => {
    const mine = `mine-${crypto.randomUUID()}`;
    const uid = await createFpeKey([tagAttr([mine])]);
    const g = await kmip(t.s("Get", t.text("UniqueIdentifier", uid)));
    expect(g.status, g.text).toBe(200);
    expect(valueOf(find(g.json, "KeyBlock"), "CryptographicAlgorithm")).toBe("FPE_FF1");
    expect(valueOf(find(g.json, "KeyBlock"), "CryptographicLength")).toBe(256);
    expect((valueOf(find(g.json, "KeyMaterial"), "Key") as string).length).toBe(64);

    expect(await locate(["fpe-ff1", mine])).toEqual([uid]);

    // ckms fpe encrypt --tag: the UniqueIdentifier is a JSON array of tags
    const byTags = JSON.stringify(["fpe-ff1", mine]);
    const c = await enc(byTags, "4111 1111 1111 1111", { aad: "numeric" });
    expect(c).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(await dec(uid, c, { aad: "numeric" })).toBe("4111 1111 1111 1111");
  });

  test("an AES key is not tagged fpe-ff1", async () => {
    const mine = `aes-${crypto.randomUUID()}`;
    const r = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), tagAttr([mine])),
      ),
    );
    expect(r.status, r.text).toBe(200);
    expect(await locate([mine])).toHaveLength(1);
    expect(await locate(["fpe-ff1", mine])).toEqual([]);
  });

  test.each([128, 192, 512])("refuses FPE_FF1 keys of %i bits (Create and Import)", async (bits) => {
    const r = await kmip(
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "FPE_FF1"), t.int("CryptographicLength", bits)),
      ),
    );
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/^Invalid_Attribute_Value: .*length.*FPE_FF1/);
    const i = await kmip(
      t.s(
        "Import",
        t.text("UniqueIdentifier", `bad-${crypto.randomUUID()}`),
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "FPE_FF1")),
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "TransparentSymmetricKey"),
            t.s("KeyValue", t.s("KeyMaterial", t.b("Key", "11".repeat(bits / 8)))),
            t.e("CryptographicAlgorithm", "FPE_FF1"),
            t.int("CryptographicLength", bits),
          ),
        ),
      ),
    );
    expect(i.status).toBe(422);
  });
});

describe("Cosmian's data rules, byte-identical with the library and cloudproof_js", () => {
  test("README vectors (zero key, tweak 'unique tweak'); the answer carries only UniqueIdentifier and Data", async () => {
    const uid = await keyFor(ZERO_KEY);
    const r = await fpe("Encrypt", uid, "plaintext", { aad: "alpha_lower", tweak: README_TWEAK });
    expect(r.status, r.text).toBe(200);
    expect(r.out).toBe("phqivnqmo");
    expect(r.json?.tag).toBe("EncryptResponse");
    expect(((r.json?.value ?? []) as Node[]).map((n) => n.tag).sort()).toEqual(["Data", "UniqueIdentifier"]);
    expect(await enc(uid, "alphanumeric", { tweak: README_TWEAK })).toBe("jraqSuFWZmdH"); // no metadata: alpha_numeric
    expect(await enc(uid, "1234-1234-1234-1234", { aad: "numeric", tweak: README_TWEAK })).toBe("1415-4650-5562-7272");
    expect(await enc(uid, "4111 1111 1111 1111", { aad: "numeric" })).toBe("0113 8046 8988 1113"); // no tweak = empty tweak
    expect(await enc(uid, "4111 1111 1111 1111", { aad: "numeric", tweak: "" })).toBe("0113 8046 8988 1113");
    const d = await fpe("Decrypt", uid, "phqivnqmo", { aad: "alpha_lower", tweak: README_TWEAK });
    expect(d.out).toBe("plaintext");
    expect(((d.json?.value ?? []) as Node[]).map((n) => n.tag).sort()).toEqual(["Data", "UniqueIdentifier"]);
  });

  test("every cloudproof_js alphabet vector without additional characters, both ways, as the library", async () => {
    const plain = vectors.alphabet.filter((v) => v.additionalCharacters === "");
    expect(plain.length).toBeGreaterThan(40);
    for (const v of plain) {
      const uid = await keyFor(v.key);
      const name = v.alphabet === "hexa_decimal" ? "hexadecimal" : v.alphabet; // the KMS preset name
      const json = JSON.stringify({ type: "text", alphabet: name });
      expect(await enc(uid, v.plaintext, { aad: name, tweak: v.tweak }), v.note ?? v.plaintext).toBe(v.ciphertext);
      expect(await dec(uid, v.ciphertext, { aad: json, tweak: v.tweak })).toBe(v.plaintext);
      expect(lib("encrypt", v.key, v.plaintext, name, v.tweak)).toBe(v.ciphertext);
    }
  });

  test("metadata forms: absent, blank, bare name (trimmed), JSON, JSON without alphabet, literal alphabet", async () => {
    const key = vectors.alphabet[0].key;
    const uid = await keyFor(key);
    const p = "Hello World 2024";
    const base = await enc(uid, p);
    for (const aad of [
      "",
      "  \n",
      "alpha_numeric",
      " alpha_numeric\n",
      '{"type":"text","alphabet":"alpha_numeric"}',
      '{"type":"text"}',
      "{}",
      '{"alphabet":null}',
    ]) {
      expect(await enc(uid, p, { aad }), JSON.stringify(aad)).toBe(base);
    }
    // a string that is no preset name is a literal alphabet; hexa_decimal (cloudproof's id) is one of them
    for (const aad of ["abcdefghij", "hexa_decimal", "0123456789abcdef", "decimal"]) {
      const c = await enc(uid, "deadbeef-cafe-2024", { aad, tweak: "0102" });
      expect(c).toBe(lib("encrypt", key, "deadbeef-cafe-2024", aad, "0102"));
      expect(await dec(uid, c, { aad: JSON.stringify({ alphabet: aad }), tweak: "0102" })).toBe("deadbeef-cafe-2024");
    }
    expect(await enc(uid, "deadbeef", { aad: "hexa_decimal" })).not.toBe(
      await enc(uid, "deadbeef", { aad: "hexadecimal" }),
    );
  });

  test("every KMS preset round-trips and keeps non-alphabet characters in place", async () => {
    const uid = await createFpeKey();
    const samples: Record<string, string> = {
      numeric: "+33 (0)6 12 34 56 78",
      hexadecimal: "550e8400-e29b-41d4",
      alpha_lower: "john.doe@example.com",
      alpha_upper: "HELLO WORLD",
      alpha: "Alba Martinez-Gonzalez",
      alpha_numeric: "AB-123-CD",
      chinese: "天地玄黄 宇宙洪荒",
      latin1sup: "Bérangère Aigüe",
      latin1sup_alphanum: "Ça va bien, René!",
      utf: "smile 😀 ok",
      ascii_printable: "p@ss w0rd!",
      base64: "SGVsbG8gV29ybGQ=",
    };
    for (const [name, p] of Object.entries(samples)) {
      const c = await enc(uid, p, { aad: name, tweak: "aa" });
      expect([...c].length, name).toBe([...p].length);
      expect(await dec(uid, c, { aad: name, tweak: "aa" }), name).toBe(p);
    }
    const c = await enc(uid, "SGVsbG8gV29ybGQ=", { aad: "base64" });
    expect(c.endsWith("=")).toBe(true); // '=' is not in base64: kept
  });

  test("integer: digits = characters, zero-padded, same numerals as cloudproof's big-integer vectors", async () => {
    for (const v of vectors.big_integer.filter((x) => x.radix === 10 || x.radix === 16)) {
      const uid = await keyFor(v.key);
      const aad = JSON.stringify({ type: "integer", alphabet: v.radix === 10 ? "numeric" : "hexadecimal" });
      const p = v.plaintext.toLowerCase().replace(/_/g, "").padStart(v.digits, "0");
      const c = v.ciphertext.padStart(v.digits, "0");
      expect(await enc(uid, p, { aad, tweak: v.tweak })).toBe(c);
      expect(await dec(uid, c, { aad, tweak: v.tweak })).toBe(p);
    }
    const v8 = vectors.big_integer.find((x) => x.radix === 8)!;
    expect(
      await enc(await keyFor(v8.key), v8.plaintext, {
        aad: '{"type":"integer","alphabet":"01234567"}',
        tweak: v8.tweak,
      }),
    ).toBe(v8.ciphertext.padStart(7, "0"));
  });

  test("float: 16 hex digits of the encrypted bits (cloudproof float vectors); decrypt prints like Rust", async () => {
    const F = '{"type":"float"}';
    for (const v of vectors.float) {
      const uid = await keyFor(v.key);
      const input = v.plaintext === "Infinity" ? "inf" : v.plaintext === "-Infinity" ? "-inf" : v.plaintext;
      expect(await enc(uid, input, { aad: F, tweak: v.tweak })).toBe(v.ciphertext_bits);
      expect(await dec(uid, v.ciphertext_bits, { aad: F, tweak: v.tweak })).toBe(
        kms.rustF64ToString(Number(v.plaintext)),
      );
    }
    const uid = await createFpeKey();
    expect(await dec(uid, await enc(uid, "1e20", { aad: F }), { aad: F })).toBe("100000000000000000000");
    expect(await dec(uid, await enc(uid, "-0.5", { aad: '{"type":"float","alphabet":"numeric"}' }), { aad: F })).toBe(
      "-0.5",
    ); // alphabet ignored
  });

  test("random keys and tweaks: the server equals the library for text, integer and float", async () => {
    const uid = await createFpeKey();
    const g = await kmip(t.s("Get", t.text("UniqueIdentifier", uid)));
    const keyHex = valueOf(find(g.json, "KeyMaterial"), "Key") as string;
    const cases: [string, string][] = [
      ["4111-1111-1111-1111", "numeric"],
      ["Jean-Pierre Dupont", "alpha"],
      ["00012345678901234567890", '{"type":"integer","alphabet":"numeric"}'],
      ["1011010111001011010110", '{"type":"integer","alphabet":"01"}'],
      ["3.14159", '{"type":"float"}'],
      ["mañana 🌞", "utf"],
    ];
    for (const [p, aad] of cases) {
      const tweak = hex(crypto.getRandomValues(new Uint8Array(1 + Math.floor(Math.random() * 20))));
      const c = await enc(uid, p, { aad, tweak });
      expect(c, `${p} ${aad}`).toBe(lib("encrypt", keyHex, p, aad, tweak));
      expect(await dec(uid, c, { aad, tweak })).toBe(p);
    }
  });
});

describe("extensions: additionalCharacters, big_integer, NIST rounds", () => {
  test("additionalCharacters: every cloudproof_js vector with additional characters, both ways", async () => {
    const extended = vectors.alphabet.filter((v) => v.additionalCharacters !== "");
    expect(extended.length).toBeGreaterThanOrEqual(6);
    for (const v of extended) {
      const uid = await keyFor(v.key);
      const aad = JSON.stringify({ type: "text", alphabet: v.alphabet, additionalCharacters: v.additionalCharacters });
      expect(await enc(uid, v.plaintext, { aad, tweak: v.tweak }), v.note ?? v.plaintext).toBe(v.ciphertext);
      expect(await dec(uid, v.ciphertext, { aad, tweak: v.tweak })).toBe(v.plaintext);
    }
    // the same as a literal alphabet holding the union (Cosmian's own way to say it)
    const v = vectors.alphabet.find((x) => x.additionalCharacters === "@.")!;
    expect(await enc(await keyFor(v.key), v.plaintext, { aad: "@.abcdefghijklmnopqrstuvwxyz", tweak: v.tweak })).toBe(
      v.ciphertext,
    );
    // snake_case spelling; an empty string changes nothing
    expect(
      await enc(await keyFor(v.key), v.plaintext, {
        aad: '{"alphabet":"alpha_lower","additional_characters":"@."}',
        tweak: v.tweak,
      }),
    ).toBe(v.ciphertext);
    const plainV = vectors.alphabet.find((x) => x.note === "README: phqivnqmo")!;
    expect(
      await enc(await keyFor(plainV.key), plainV.plaintext, {
        aad: '{"alphabet":"alpha_lower","additionalCharacters":""}',
        tweak: plainV.tweak,
      }),
    ).toBe(plainV.ciphertext);
  });

  test("big_integer: every cloudproof_js big-integer and bigint vector (value in base radix, unpadded answer)", async () => {
    for (const v of vectors.big_integer) {
      const uid = await keyFor(v.key);
      const aad = JSON.stringify({ type: "big_integer", radix: v.radix, digits: v.digits });
      expect(await enc(uid, v.plaintext, { aad, tweak: v.tweak }), v.note ?? v.plaintext).toBe(v.ciphertext);
      expect(await dec(uid, v.ciphertext, { aad, tweak: v.tweak })).toBe(v.decrypted);
    }
    for (const v of vectors.bigint_api) {
      const o = v.options as { radix?: number; digits?: number };
      const aad = JSON.stringify({ type: "big_integer", ...o }); // defaults: radix 10, 6 digits, as cloudproof's bigint API
      expect(await enc(await keyFor(v.key), v.plaintext, { aad, tweak: v.tweak })).toBe(v.ciphertext);
    }
  });

  test("rounds 10 = NIST SP 800-38G FF1: samples 1-9 (AES-128/192/256 keys asked for FPE_FF1)", async () => {
    for (const s of vectors.nist_ff1_samples) {
      const uid = await importKey(s.key, "AES");
      const alphabet = s.radix === 10 ? "numeric" : "0123456789abcdefghijklmnopqrstuvwxyz";
      const aad = JSON.stringify({ type: "text", alphabet, rounds: 10 });
      expect(await enc(uid, s.plaintext, { aad, tweak: s.tweak, algorithm: "FPE_FF1" }), `sample ${s.sample}`).toBe(
        s.ciphertext,
      );
      expect(await dec(uid, s.ciphertext, { aad, tweak: s.tweak, algorithm: "FPE_FF1" })).toBe(s.plaintext);
      if (s.radix === 10) {
        const int = JSON.stringify({ type: "integer", alphabet: "numeric", rounds: 10 });
        expect(await enc(uid, s.plaintext, { aad: int, tweak: s.tweak, algorithm: "FPE_FF1" })).toBe(s.ciphertext);
        const big = JSON.stringify({ type: "big_integer", radix: 10, digits: 10, rounds: 10 });
        expect(await enc(uid, s.plaintext, { aad: big, tweak: s.tweak, algorithm: "FPE_FF1" })).toBe(
          s.ciphertext.replace(/^0+/, ""),
        );
      }
    }
  });

  test("rounds 18 is the default: the same bytes as Cosmian's path for every type; rounds 10 differs", async () => {
    const uid = await createFpeKey();
    const cases: [string, object][] = [
      ["4111 1111 1111 1111", { type: "text", alphabet: "numeric" }],
      ["000123456789", { type: "integer", alphabet: "numeric" }],
      ["2718.28", { type: "float" }],
    ];
    for (const [p, meta] of cases) {
      const cosmian = await enc(uid, p, { aad: JSON.stringify(meta), tweak: "99" });
      expect(await enc(uid, p, { aad: JSON.stringify({ ...meta, rounds: 18 }), tweak: "99" })).toBe(cosmian);
      const nist = await enc(uid, p, { aad: JSON.stringify({ ...meta, rounds: 10 }), tweak: "99" });
      expect(nist).not.toBe(cosmian);
      expect(await dec(uid, nist, { aad: JSON.stringify({ ...meta, rounds: 10 }), tweak: "99" })).toBe(p);
    }
    // two quick vectors (docs/fpe-ff1.md): 18 rounds vs NIST
    const key = "2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94";
    const k = await keyFor(key);
    expect(await enc(k, "0123456789", { aad: "numeric" })).toBe("2970494737");
    expect(await enc(k, "0123456789", { aad: "numeric", tweak: "39383736353433323130" })).toBe("9088363539");
    expect(
      await enc(k, "0123456789", { aad: '{"alphabet":"numeric","rounds":10}', tweak: "39383736353433323130" }),
    ).toBe("1001623463");
  });
});

describe("keys: FPE_FF1, AES and the algorithm selection", () => {
  test("an AES-256 key asked for FPE_FF1 is used as Cosmian does (same bytes as the library)", async () => {
    const keyHex = "5a".repeat(32);
    const uid = await importKey(keyHex, "AES");
    const c = await enc(uid, "4111-1111-1111-1111", { aad: "numeric", algorithm: "FPE_FF1" });
    expect(c).toBe(lib("encrypt", keyHex, "4111-1111-1111-1111", "numeric"));
    expect(await dec(uid, c, { aad: "numeric", algorithm: "FPE_FF1" })).toBe("4111-1111-1111-1111");
    // without the parameter the AES key still does AES-GCM (IV and tag come back)
    const gcm = await fpe("Encrypt", uid, "4111-1111-1111-1111", { aad: "numeric" });
    expect(gcm.status, gcm.text).toBe(200);
    expect(find(gcm.json, "AuthenticatedEncryptionTag")).toBeDefined();
  });

  test("wrong key length: a 128-bit AES key asked for Cosmian's FF1 is a Cryptographic_Failure", async () => {
    const uid = await importKey("11".repeat(16), "AES");
    for (const op of ["Encrypt", "Decrypt"] as const) {
      expectKmipError(
        await fpe(op, uid, "123456", { aad: "numeric", algorithm: "FPE_FF1" }),
        422,
        "Cryptographic_Failure",
        /FPE .*crypt failed: FPE key must be 32 bytes, got 16/,
      );
    }
  });

  test("an FPE_FF1 key serves FPE_FF1 only: asking it for AES is Incompatible_Cryptographic_Usage_Mask", async () => {
    const uid = await createFpeKey();
    expect(await enc(uid, "123456", { aad: "numeric", algorithm: "FPE_FF1" })).toMatch(/^\d{6}$/);
    for (const op of ["Encrypt", "Decrypt"] as const) {
      expectKmipError(
        await fpe(op, uid, "123456", { algorithm: "AES" }),
        422,
        "Incompatible_Cryptographic_Usage_Mask",
        /only be used for FPE_FF1/,
      );
      expectKmipError(
        await fpe(op, uid, "123456", { algorithm: "ChaCha20Poly1305" }),
        422,
        "Incompatible_Cryptographic_Usage_Mask",
      );
    }
  });

  test("keys that are not symmetric keys are not FPE keys", async () => {
    const kp = await kmip(
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", t.e("CryptographicAlgorithm", "EC"), t.e("RecommendedCurve", "CURVE25519")),
      ),
    );
    expect(kp.status, kp.text).toBe(200);
    const pk = valueOf(kp.json, "PublicKeyUniqueIdentifier") as string;
    const r = await fpe("Encrypt", pk, "123456", { algorithm: "FPE_FF1" });
    expect(r.status, r.text).toBe(200);
    expect(Buffer.from(valueOf(r.json, "Data") as string, "hex").length).toBeGreaterThan(40); // a sealed box, not FPE
  });
});

describe("errors are clean KMIP failures (never 500)", () => {
  let uid: string;
  beforeAll(async () => {
    uid = await createFpeKey();
  });

  test.each([
    ["bad metadata JSON", "123456", '{"type":"text"', /failed parsing FPE metadata JSON/],
    ["an unknown type", "123456", '{"type":"date"}', /"type" must be/],
    ["a wrongly cased type", "123456", '{"type":"Text"}', /"type" must be/],
    ["a non-string alphabet", "123456", '{"alphabet":5}', /"alphabet" must be a string/],
    ["an alphabet of one character (not a preset, so a literal)", "aaaaaa", "a", /Alphabet must contain between 2/],
    ["an integer without alphabet", "123456", '{"type":"integer"}', /integer FPE requires an alphabet/],
    [
      "an integer alphabet of radix > 16",
      "abcdef",
      '{"type":"integer","alphabet":"alpha_lower"}',
      /radix between 2 and 16/,
    ],
    ["too-short text", "12345", "numeric", /stripped input length of 5 is too short. It should be at least 6/],
    ["text with only separators", "----", "numeric", /too short/],
    ["a too-short integer", "12345", '{"type":"integer","alphabet":"numeric"}', /digits must be at least 6, got 5/],
    [
      "integer characters outside the alphabet",
      "1234-5678",
      '{"type":"integer","alphabet":"numeric"}',
      /not part of the integer alphabet/,
    ],
    ["a float that is no number", "12,5", '{"type":"float"}', /invalid float literal/],
    ["metadata over 4096 bytes", "123456", "x".repeat(4097), /exceeds maximum allowed length of 4096/],
    ["rounds other than 10 or 18", "123456", '{"alphabet":"numeric","rounds":12}', /"rounds" must be 18 .* or 10/],
    [
      "additionalCharacters on an integer",
      "123456",
      '{"type":"integer","alphabet":"numeric","additionalCharacters":"-"}',
      /applies to type "text" only/,
    ],
    ["radix on text", "123456", '{"type":"text","radix":10}', /"radix" applies to type "big_integer" only/],
    [
      "big_integer radix 17",
      "123456",
      '{"type":"big_integer","radix":17,"digits":6}',
      /Radix must be between 2 and 16/,
    ],
    ["big_integer too few digits", "123", '{"type":"big_integer","radix":10,"digits":5}', /digits must be at least 6/],
    ["big_integer value too large", "1000000", '{"type":"big_integer"}', /lower or equal to 999999/],
    ["big_integer invalid digit", "12g", '{"type":"big_integer","radix":16,"digits":6}', /invalid digit/],
    ["big_integer huge digits", "1", '{"type":"big_integer","digits":100000000}', /at most 16384/],
    ["big_integer with an alphabet", "123456", '{"type":"big_integer","alphabet":"numeric"}', /give "radix"/],
  ])("Encrypt with %s -> Invalid_Field", async (_, data, aad, message) => {
    expectKmipError(await fpe("Encrypt", uid, data, { aad }), 422, "Invalid_Field", message);
  });

  test("Decrypt errors: too short, characters outside the integer alphabet, bad float ciphertext", async () => {
    expectKmipError(
      await fpe("Decrypt", uid, "123", { aad: "numeric" }),
      422,
      "Invalid_Field",
      /too short for FF1 \(3 < 6\)/,
    );
    expectKmipError(
      await fpe("Decrypt", uid, "12a456", { aad: '{"type":"integer","alphabet":"numeric"}' }),
      422,
      "Invalid_Field",
      /not part of the integer alphabet/,
    );
    expectKmipError(
      await fpe("Decrypt", uid, "xyz", { aad: '{"type":"float"}' }),
      422,
      "Invalid_Field",
      /16 hex digits/,
    );
    expectKmipError(await fpe("Decrypt", uid, "12345678901234567", { aad: '{"type":"float"}' }), 422, "Invalid_Field");
  });

  test("characters outside a text alphabet are kept in place, not refused", async () => {
    const c = await enc(uid, "ab-123-cd-456", { aad: "numeric" });
    expect(c).toMatch(/^ab-\d{3}-cd-\d{3}$/);
    expect(await dec(uid, c, { aad: "numeric" })).toBe("ab-123-cd-456");
  });

  test("invalid UTF-8, missing Data, oversized Data", async () => {
    expectKmipError(
      await fpe("Encrypt", uid, Uint8Array.of(0x31, 0x32, 0xc3, 0x28, 0x33, 0x34, 0x35, 0x36), { aad: "numeric" }),
      422,
      "Invalid_Field",
      /UTF-8/,
    );
    expectKmipError(
      await fpe("Encrypt", uid, "123456", { aad: Uint8Array.of(0xff, 0xfe) }),
      422,
      "Invalid_Field",
      /UTF-8/,
    );
    const r = await kmip(
      t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("AuthenticatedEncryptionAdditionalData", hex("numeric"))),
    );
    expectKmipError(r, 422, "Invalid_Message", /data to encrypt must be provided/);
    expectKmipError(
      await fpe("Encrypt", uid, "1".repeat(16_385), { aad: "numeric" }),
      422,
      "Invalid_Field",
      /at most 16384 bytes/,
    );
    expect((await fpe("Encrypt", uid, "1".repeat(16_384), { aad: "numeric" })).status).toBe(200);
  });

  test("non-Active keys: PreActive refused both ways; a revoked key decrypts but does not encrypt", async () => {
    const pre = await createFpeKey([t.date("ActivationDate", "2099-01-01T00:00:00Z")]);
    expectKmipError(await fpe("Encrypt", pre, "123456", { aad: "numeric" }), 422, "Item_Not_Found", /PreActive/);
    expectKmipError(await fpe("Decrypt", pre, "123456", { aad: "numeric" }), 422, "Item_Not_Found", /PreActive/);

    const k = await createFpeKey();
    const c = await enc(k, "123456", { aad: "numeric" });
    const rev = await kmip(t.s("Revoke", t.text("UniqueIdentifier", k), t.text("RevocationReason", "rotated")));
    expect(rev.status, rev.text).toBe(200);
    expectKmipError(await fpe("Encrypt", k, "123456", { aad: "numeric" }), 422, "Item_Not_Found", /Deactivated/);
    expect(await dec(k, c, { aad: "numeric" })).toBe("123456");
    await kmip(t.s("Destroy", t.text("UniqueIdentifier", k)));
    expect((await fpe("Decrypt", k, c, { aad: "numeric" })).status).toBe(422);
  });

  test("a usage mask without Encrypt is refused", async () => {
    const k = await createFpeKey([t.int("CryptographicUsageMask", 8)]); // Decrypt only
    expectKmipError(
      await fpe("Encrypt", k, "123456", { aad: "numeric" }),
      422,
      "Incompatible_Cryptographic_Usage_Mask",
    );
  });
});

describe("wire dialects and clients", () => {
  test("JS-client style (type Structure, IvCounterNonce) and Cosmian v5 style (no Structure type, IVCounterNonce) agree", async () => {
    const v = vectors.alphabet.find((x) => x.note === "README: 1415-4650-5562-7272")!;
    const uid = await keyFor(v.key);
    const js = await fpe("Encrypt", uid, v.plaintext, {
      aad: "numeric",
      tweak: v.tweak,
      algorithm: "FPE_FF1",
      dialect: "js",
    });
    const k5 = await fpe("Encrypt", uid, v.plaintext, {
      aad: "numeric",
      tweak: v.tweak,
      algorithm: "FPE_FF1",
      dialect: "v5",
    });
    expect(js.out).toBe(v.ciphertext);
    expect(k5.out).toBe(v.ciphertext);
    expect(js.json?.type).toBe("Structure");
    expect(k5.json?.type).toBeUndefined();
    expect(find(k5.json, "IVCounterNonce") ?? find(k5.json, "IvCounterNonce")).toBeUndefined();
    const d5 = await fpe("Decrypt", uid, v.ciphertext, {
      aad: '{"type":"text","alphabet":"numeric"}',
      tweak: v.tweak,
      dialect: "v5",
    });
    expect(d5.out).toBe(v.plaintext);
    // v5 error: same clean failure
    expectKmipError(
      await fpe("Encrypt", uid, "123", { aad: "numeric", dialect: "v5" }),
      422,
      "Invalid_Field",
      /too short/,
    );
  });

  test("a RequestMessage batch: the CorrelationValue comes back; a failed item does not stop the next", async () => {
    const uid = await createFpeKey();
    const item = (id: string, data: string) =>
      t.s(
        "BatchItem",
        t.e("Operation", "Encrypt"),
        t.b("UniqueBatchItemID", hex(id)),
        t.s(
          "RequestPayload",
          t.text("UniqueIdentifier", uid),
          t.b("Data", hex(data)),
          t.b("AuthenticatedEncryptionAdditionalData", hex("numeric")),
          t.b("CorrelationValue", "c0ffee"),
        ),
      );
    const body = t.s(
      "RequestMessage",
      t.s(
        "RequestHeader",
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
        t.int("BatchCount", 2),
      ),
      item("a", "123"),
      item("b", "123456"),
    );
    const r = await kmip(body);
    expect(r.status, r.text).toBe(200);
    const items = ((r.json?.value ?? []) as Node[]).filter((n) => n.tag === "BatchItem");
    expect(valueOf(items[0], "ResultStatus")).toBe("OperationFailed");
    expect(valueOf(items[0], "ResultReason")).toBe("Invalid_Field");
    expect(valueOf(items[1], "ResultStatus")).toBe("Success");
    expect(Buffer.from(valueOf(items[1], "Data") as string, "hex").toString()).toMatch(/^\d{6}$/);
    expect((valueOf(items[1], "CorrelationValue") as string).toLowerCase()).toBe("c0ffee");
  });

  test("the real cloudproof_kms_js client: encrypt/decrypt with an FPE_FF1 key (tweak as ivCounterNonce, metadata as AAD)", async () => {
    const client = new KmsClient(server.url);
    const uid = await keyFor(ZERO_KEY);
    const res = await client.encrypt(uid, utf8("plaintext"), {
      ivCounterNonce: fromHex(README_TWEAK),
      authenticatedEncryptionAdditionalData: utf8("alpha_lower"),
    });
    expect(new TextDecoder().decode(res.data)).toBe("phqivnqmo");
    expect(res.ivCounterNonce ?? null).toBeNull();
    expect(res.authenticatedEncryptionTag ?? null).toBeNull();
    const back = await client.decrypt(uid, utf8("phqivnqmo"), {
      ivCounterNonce: fromHex(README_TWEAK),
      authenticatedEncryptionAdditionalData: utf8("alpha_lower"),
    });
    expect(new TextDecoder().decode(back)).toBe("plaintext");

    // its CryptographicAlgorithm enum has no FPE_FF1: the client selects FPE through the key only
    const params = Object.assign(new CryptographicParameters(), { cryptographicAlgorithm: 0x88800001 });
    await expect(client.encrypt(uid, utf8("plaintext"), { cryptographicParameters: params })).rejects.toThrow(/enum/);
  });
});
