/**
 * Ristretto255 ECIES over HTTP against the independent implementation of Cosmian crypto_core's
 * `EciesR25519Aes128` (test/vectors/ecies/ristretto-reference.ts), on a real server and SQLite file:
 *   - the server's Encrypt (public key) is opened locally with the exported raw private key;
 *   - local ciphertexts (fixed ephemeral scalars) are opened by the server's Decrypt;
 *   - the known-answer vectors decrypt on the server once their key pair is imported;
 * each with and without AuthenticatedEncryptionAdditionalData, and with an empty message.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  expectKmipError,
  fromHex,
  hex,
  postKmip,
  t,
  useTestServer,
  valueOf,
  find,
  type Node,
  type TestServer,
} from "../helpers/server.ts";
import * as reference from "../vectors/ecies/ristretto-reference.ts";
import vectors from "../vectors/ecies/ristretto-vectors.json" with { type: "json" };

let server: TestServer;
useTestServer((s) => (server = s));

const kmip = (body: unknown) => postKmip(server.url, body);
const uidNode = (uid: string) => t.text("UniqueIdentifier", uid);
const te = new TextEncoder();
const aadNode = (aad?: Uint8Array) => (aad ? [t.b("AuthenticatedEncryptionAdditionalData", hex(aad))] : []);

async function encrypt(uid: string, data: Uint8Array, aad?: Uint8Array) {
  return kmip(t.s("Encrypt", uidNode(uid), t.b("Data", hex(data)), ...aadNode(aad)));
}
async function decrypt(uid: string, data: Uint8Array, aad?: Uint8Array) {
  return kmip(t.s("Decrypt", uidNode(uid), t.b("Data", hex(data)), ...aadNode(aad)));
}
function ok(r: { status: number; text: string; json?: Node }): Uint8Array {
  expect(r.status, r.text).toBe(200);
  return fromHex(valueOf(r.json, "Data"));
}
async function raw(uid: string): Promise<Uint8Array> {
  const r = await kmip(t.s("Get", t.e("KeyFormatType", "Raw"), uidNode(uid)));
  expect(r.status, r.text).toBe(200);
  return fromHex(find(r.json, "KeyMaterial")!.value);
}

const messages: [string, Uint8Array, Uint8Array | undefined][] = [
  ["a message without AAD", te.encode("to Cosmian's crypto_core"), undefined],
  ["a message with AAD", te.encode("bound to its context"), te.encode("uid=42;purpose=wrap")],
  ["an empty message without AAD", new Uint8Array(0), undefined],
  ["an empty message with AAD", new Uint8Array(0), te.encode("aad only")],
];

describe("Ristretto255 key pair made by the server", () => {
  let sk: string;
  let pk: string;
  let rawSk: Uint8Array;
  let rawPk: Uint8Array;
  beforeAll(async () => {
    const r = await kmip(
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("CryptographicAlgorithm", "ECDH"),
          t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "RISTRETTO255")),
        ),
      ),
    );
    expect(r.status, r.text).toBe(200);
    sk = valueOf(r.json, "PrivateKeyUniqueIdentifier") as string;
    pk = valueOf(r.json, "PublicKeyUniqueIdentifier") as string;
    rawSk = await raw(sk);
    rawPk = await raw(pk);
    expect(Buffer.from(reference.publicKeyOf(rawSk)).toString("hex")).toBe(Buffer.from(rawPk).toString("hex"));
  });

  test.each(messages)("server Encrypt -> reference decrypt: %s", async (_, m, aad) => {
    const ct = ok(await encrypt(pk, m, aad));
    expect(ct.length).toBe(32 + m.length + 16);
    expect(Buffer.from(reference.decrypt(ct, rawSk, aad)).toString("hex")).toBe(Buffer.from(m).toString("hex"));
    if (aad) expect(() => reference.decrypt(ct, rawSk)).toThrow();
  });

  test.each(messages)("reference encrypt -> server Decrypt: %s", async (_, m, aad) => {
    const eph = reference.bigintToLe(0x1234567890abcdefn * BigInt(m.length + 1) + BigInt(aad?.length ?? 0));
    const ct = reference.encrypt(m, rawPk, eph, aad);
    expect(Buffer.from(ok(await decrypt(sk, ct, aad))).toString("hex")).toBe(Buffer.from(m).toString("hex"));
    if (aad) {
      expectKmipError(await decrypt(sk, ct), 422, "Cryptographic_Failure", /ECIES decryption failed/);
      expectKmipError(
        await decrypt(sk, ct, te.encode("another context")),
        422,
        "Cryptographic_Failure",
        /ECIES decryption failed/,
      );
    } else {
      expectKmipError(
        await decrypt(sk, ct, te.encode("unexpected aad")),
        422,
        "Cryptographic_Failure",
        /ECIES decryption failed/,
      );
    }
  });

  test("forged ciphertexts: identity R, non-canonical R, short, tampered -> Cryptographic_Failure, no plaintext", async () => {
    const ct = reference.encrypt(te.encode("secret"), rawPk, reference.bigintToLe(99n));
    const withR = (r: string) => new Uint8Array([...fromHex(r), ...ct.subarray(32)]);
    for (const bad of [
      withR("00".repeat(32)),
      withR("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
      ct.subarray(0, 47),
      ct.subarray(0, 10),
      new Uint8Array([...ct.subarray(0, ct.length - 1), ct[ct.length - 1] ^ 1]),
    ]) {
      const r = await decrypt(sk, bad);
      expectKmipError(r, 422, "Cryptographic_Failure", /ECIES/);
      expect(r.text).not.toMatch(/secret/);
    }
  });
});

describe("known-answer vectors decrypt on the server", () => {
  const imported: string[] = [];
  beforeAll(async () => {
    for (const [i, kp] of vectors.key_pairs.entries()) {
      const id = `r255-kat-${i}-${crypto.randomUUID()}`;
      const sk = fromHex(kp.private_key);
      const r = await kmip(
        t.s(
          "Import",
          uidNode(id),
          t.e("ObjectType", "PrivateKey"),
          t.s(
            "Attributes",
            t.e("ObjectType", "PrivateKey"),
            t.e("CryptographicAlgorithm", "ECDH"),
            t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "RISTRETTO255")),
          ),
          t.s(
            "Object",
            t.s(
              "KeyBlock",
              t.e("KeyFormatType", "Raw"),
              t.s("KeyValue", t.s("KeyMaterial", t.b("ByteString", hex(sk)))),
              t.e("CryptographicAlgorithm", "ECDH"),
              t.int("CryptographicLength", 256),
            ),
          ),
        ),
      );
      expect(r.status, r.text).toBe(200);
      imported.push(id);
    }
  });

  test("every encryption vector, with its AAD", async () => {
    expect(vectors.encryption.length).toBeGreaterThanOrEqual(9);
    for (const v of vectors.encryption) {
      const aad = v.aad ? fromHex(v.aad) : undefined;
      expect(
        Buffer.from(ok(await decrypt(imported[v.recipient], fromHex(v.ciphertext), aad))).toString("hex"),
        v.label,
      ).toBe(v.plaintext);
    }
  });

  test("every negative decryption vector is a Cryptographic_Failure", async () => {
    for (const v of vectors.decryption_failures) {
      expectKmipError(
        await decrypt(imported[v.recipient], fromHex(v.ciphertext), v.aad ? fromHex(v.aad) : undefined),
        422,
        "Cryptographic_Failure",
      );
    }
  });
});
