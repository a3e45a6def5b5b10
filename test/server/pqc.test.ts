/**
 * Post-quantum key pairs (ML-KEM, ML-DSA, SLH-DSA) and the secp256k1 / Ed448 signature keys through
 * real HTTP: CreateKeyPair, Encrypt = ML-KEM encapsulation / Decrypt = decapsulation, Sign /
 * SignatureVerify, Get/Export formats, Import, ReKeyKeyPair. The server's results are checked with
 * the primitives directly (src/crypto/pqc.ts, @noble/curves) on the exported keys, and an imported
 * Wycheproof ML-DSA key ties the key format to known answers.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { ed448 } from "@noble/curves/ed448.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as pqc from "../../src/crypto/pqc.ts";
import * as pqcDer from "../../src/crypto/key-formats/pqc-der.ts";
import {
  fromHex,
  useTestServer,
  find,
  hex,
  postKmip,
  t,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

let server: TestServer;
useTestServer((s) => (server = s));

const kmip = (body: unknown) => postKmip(server.url, body);
const msg = new TextEncoder().encode("The quick brown fox jumps over the lazy dog");
// The encapsulation ciphertext: IVCounterNonce, spelt IvCounterNonce in the JS client's dialect used here.
const nonceOf = (json: Node | undefined) => valueOf(json, "IvCounterNonce") ?? valueOf(json, "IVCounterNonce");

async function createPair(algorithm: string, extra: Node[] = []): Promise<{ sk: string; pk: string }> {
  const r = await kmip(
    t.s("CreateKeyPair", t.s("CommonAttributes", t.e("CryptographicAlgorithm", algorithm), ...extra)),
  );
  expect(r.status, r.text).toBe(200);
  return {
    sk: valueOf(r.json, "PrivateKeyUniqueIdentifier") as string,
    pk: valueOf(r.json, "PublicKeyUniqueIdentifier") as string,
  };
}

async function exportKey(uid: string, format?: string): Promise<{ format: unknown; material: Uint8Array; json: Node }> {
  const r = await kmip(
    t.s("Export", t.text("UniqueIdentifier", uid), ...(format ? [t.e("KeyFormatType", format)] : [])),
  );
  expect(r.status, r.text).toBe(200);
  const kb = find(r.json, "KeyBlock");
  return { format: valueOf(kb, "KeyFormatType"), material: fromHex(find(kb, "KeyMaterial")!.value), json: r.json! };
}

async function signWith(uid: string, data: Uint8Array, extra: Node[] = []): Promise<Uint8Array> {
  const r = await kmip(t.s("Sign", t.text("UniqueIdentifier", uid), ...extra, t.b("Data", hex(data))));
  expect(r.status, r.text).toBe(200);
  return fromHex(valueOf(r.json, "SignatureData"));
}

async function verifyWith(uid: string, data: Uint8Array, signature: Uint8Array, extra: Node[] = []): Promise<unknown> {
  const r = await kmip(
    t.s(
      "SignatureVerify",
      t.text("UniqueIdentifier", uid),
      ...extra,
      t.b("Data", hex(data)),
      t.b("SignatureData", hex(signature)),
    ),
  );
  expect(r.status, r.text).toBe(200);
  return valueOf(r.json, "ValidityIndicator");
}

describe.each([
  ["MLKEM_512", "ML-KEM-512"],
  ["MLKEM_768", "ML-KEM-768"],
  ["MLKEM_1024", "ML-KEM-1024"],
] as const)("%s", (kmipName, alg) => {
  test("stored as PKCS#8 / SPKI DER, Unrestricted; Encrypt encapsulates, Decrypt decapsulates", async () => {
    const { sk, pk } = await createPair(kmipName);
    const stored = await exportKey(pk);
    expect(stored.format).toBe("PKCS8");
    expect(pqcDer.publicKeyFromSpki(stored.material).algorithm).toBe(alg);
    expect(valueOf(find(stored.json, "Attributes"), "CryptographicUsageMask")).toBe(0x200000);

    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", pk), t.b("Data", "")));
    expect(enc.status, enc.text).toBe(200);
    const secret = fromHex(valueOf(enc.json, "Data"));
    const ciphertext = fromHex(nonceOf(enc.json));
    expect(secret).toHaveLength(32);
    expect(ciphertext).toHaveLength(pqc.lengths(alg).cipherText!);

    const dec = await kmip(t.s("Decrypt", t.text("UniqueIdentifier", sk), t.b("Data", hex(ciphertext))));
    expect(dec.status, dec.text).toBe(200);
    expect(fromHex(valueOf(dec.json, "Data"))).toEqual(secret);

    // The exported raw private key decapsulates the server's ciphertext to the same secret.
    const raw = await exportKey(sk, "Raw");
    expect(raw.format).toBe("Raw");
    expect(pqc.decapsulate(alg, raw.material, ciphertext)).toEqual(secret);
    // And a local encapsulation to the exported raw public key is decapsulated by the server.
    const local = pqc.encapsulate(alg, (await exportKey(pk, "Raw")).material);
    const dec2 = await kmip(t.s("Decrypt", t.text("UniqueIdentifier", sk), t.b("Data", hex(local.cipherText))));
    expect(fromHex(valueOf(dec2.json, "Data"))).toEqual(local.sharedSecret);
  });
});

describe("ML-KEM errors", () => {
  test("a truncated ciphertext is refused; Encrypt with the private key is not served", async () => {
    const { sk } = await createPair("MLKEM_768");
    const bad = await kmip(t.s("Decrypt", t.text("UniqueIdentifier", sk), t.b("Data", "00".repeat(100))));
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/^Invalid_Field: .*ciphertext must be 1088 bytes/);
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", sk), t.b("Data", "")));
    expect(enc.status).toBe(422);
  });
});

describe.each([
  ["MLDSA_44", "ML-DSA-44"],
  ["MLDSA_65", "ML-DSA-65"],
  ["MLDSA_87", "ML-DSA-87"],
  ["SLHDSA_SHA2_128f", "SLH-DSA-SHA2-128f"],
  ["SLHDSA_SHAKE_128f", "SLH-DSA-SHAKE-128f"],
] as const)("%s", (kmipName, alg) => {
  test("Sign / SignatureVerify, checked with the exported public key; default masks Sign / Verify", async () => {
    const { sk, pk } = await createPair(kmipName);
    const signature = await signWith(sk, msg);
    expect(signature).toHaveLength(pqc.lengths(alg).signature!);
    expect(await verifyWith(pk, msg, signature)).toBe("Valid");
    expect(await verifyWith(pk, msg.subarray(1), signature)).toBe("Invalid");
    const tampered = signature.slice();
    tampered[10] ^= 1;
    expect(await verifyWith(pk, msg, tampered)).toBe("Invalid");

    const rawPk = await exportKey(pk, "Raw");
    expect(pqc.verify(alg, rawPk.material, msg, signature)).toBe(true);
    const spki = await exportKey(pk, "X509");
    expect(pqcDer.publicKeyFromSpki(spki.material).publicKey).toEqual(rawPk.material);
    const skExport = await exportKey(sk);
    expect(valueOf(find(skExport.json, "Attributes"), "CryptographicUsageMask")).toBe(0x1);
    expect(pqcDer.privateKeyFromPkcs8(skExport.material).algorithm).toBe(alg);
    // A signature key cannot encapsulate.
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", pk), t.b("Data", "")));
    expect(enc.status).toBe(422);
  });
});

describe("Import of post-quantum keys", () => {
  const vectors = JSON.parse(readFileSync(new URL("../vectors/pqc/mldsa-wycheproof.json", import.meta.url), "utf8"))
    .sets["ML-DSA-44"];

  function importNode(uid: string, objectType: string, algorithm: string, format: string, material: string): Node {
    return t.s(
      "Import",
      t.text("UniqueIdentifier", uid),
      t.e("ObjectType", objectType),
      t.bool("ReplaceExisting", false),
      t.s(
        "Attributes",
        t.e("CryptographicAlgorithm", algorithm),
        t.e("KeyFormatType", format),
        t.e("ObjectType", objectType),
      ),
      t.s(
        objectType,
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", format),
          t.s("KeyValue", t.b("KeyMaterial", material)),
          t.e("CryptographicAlgorithm", algorithm),
        ),
      ),
    );
  }

  test("a Wycheproof seed-only PKCS#8 ML-DSA-44 key signs for the vector's public key", async () => {
    const uid = `wycheproof-mldsa44-${crypto.randomUUID()}`;
    const r = await kmip(importNode(uid, "PrivateKey", "MLDSA_44", "PKCS8", vectors.privateKeyPkcs8));
    expect(r.status, r.text).toBe(200);
    const signature = await signWith(uid, msg);
    expect(pqc.verify("ML-DSA-44", fromHex(vectors.publicKey), msg, signature)).toBe(true);
    const pkUid = `wycheproof-mldsa44-pk-${crypto.randomUUID()}`;
    const p = await kmip(importNode(pkUid, "PublicKey", "MLDSA_44", "PKCS8", vectors.publicKeyDer));
    expect(p.status, p.text).toBe(200);
    expect(await verifyWith(pkUid, msg, signature)).toBe("Valid");
  });

  test("malformed or mislabelled post-quantum keys are refused", async () => {
    const truncated = vectors.privateKeyPkcs8.slice(0, -2);
    const r = await kmip(importNode(`bad-${crypto.randomUUID()}`, "PrivateKey", "MLDSA_44", "PKCS8", truncated));
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/^Invalid_Field: /);
    const wrong = await kmip(
      importNode(`bad-${crypto.randomUUID()}`, "PrivateKey", "MLDSA_65", "PKCS8", vectors.privateKeyPkcs8),
    );
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/^Invalid_Field: .*ML-DSA-44/);
  });
});

describe("ReKeyKeyPair of post-quantum pairs", () => {
  test("ML-KEM-768: the new pair works and the old one still does", async () => {
    const old = await createPair("MLKEM_768");
    const r = await kmip(t.s("ReKeyKeyPair", t.text("PrivateKeyUniqueIdentifier", old.sk)));
    expect(r.status, r.text).toBe(200);
    const sk = valueOf(r.json, "PrivateKeyUniqueIdentifier") as string;
    const pk = valueOf(r.json, "PublicKeyUniqueIdentifier") as string;
    expect(sk).not.toBe(old.sk);
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", pk), t.b("Data", "")));
    const dec = await kmip(t.s("Decrypt", t.text("UniqueIdentifier", sk), t.b("Data", nonceOf(enc.json) as string)));
    expect(fromHex(valueOf(dec.json, "Data"))).toEqual(fromHex(valueOf(enc.json, "Data")));
    const oldRaw = (await exportKey(old.pk, "Raw")).material;
    expect((await exportKey(pk, "Raw")).material).not.toEqual(oldRaw);
  });
});

describe("secp256k1 and Ed448 signature keys", () => {
  const curve = (name: string) => t.s("CryptographicDomainParameters", t.e("RecommendedCurve", name));
  const sha256Params = t.s("CryptographicParameters", t.e("DigitalSignatureAlgorithm", "ECDSAWithSHA256"));

  test("secp256k1 ECDSA: DER signatures that @noble/curves verifies; no ECIES", async () => {
    const { sk, pk } = await createPair("ECDSA", [curve("SECP256K1")]);
    const signature = await signWith(sk, msg, [sha256Params]);
    expect(await verifyWith(pk, msg, signature, [sha256Params])).toBe("Valid");
    expect(await verifyWith(pk, msg.subarray(1), signature, [sha256Params])).toBe("Invalid");
    const rawPk = await exportKey(pk, "Raw");
    expect(rawPk.material).toHaveLength(65);
    expect(
      secp256k1.verify(signature, sha256(msg), rawPk.material, { prehash: false, format: "der", lowS: false }),
    ).toBe(true);
    const pkcs8 = await exportKey(sk, "PKCS8");
    expect(Buffer.from(pkcs8.material).toString("hex")).toContain("06052b8104000a"); // secp256k1 OID
    const enc = await kmip(t.s("Encrypt", t.text("UniqueIdentifier", pk), t.b("Data", "00")));
    expect(enc.status).toBe(422);
  });

  test("Ed448: RFC 8032 signatures that @noble/curves verifies", async () => {
    const { sk, pk } = await createPair("Ed448");
    const signature = await signWith(sk, msg);
    expect(signature).toHaveLength(114);
    expect(await verifyWith(pk, msg, signature)).toBe("Valid");
    const tampered = signature.slice();
    tampered[0] ^= 1;
    expect(await verifyWith(pk, msg, tampered)).toBe("Invalid");
    const rawPk = await exportKey(pk, "Raw");
    expect(ed448.verify(signature, msg, rawPk.material)).toBe(true);
    const rawSk = await exportKey(sk, "Raw");
    expect(ed448.getPublicKey(rawSk.material)).toEqual(rawPk.material);
  });

  test("the Ed448 algorithm with another curve is refused", async () => {
    const r = await kmip(
      t.s("CreateKeyPair", t.s("CommonAttributes", t.e("CryptographicAlgorithm", "Ed448"), curve("P256"))),
    );
    expect(r.status).toBe(422);
    expect(r.text).toMatch(/^Invalid_Attribute_Value: .*CURVEED448/);
  });
});

describe("slow signatures run off the event loop", () => {
  test("an SLH-DSA-SHA2-128s signature (seconds of work) does not hold up other requests; it verifies", async () => {
    const { sk, pk } = await createPair("SLHDSA_SHA2_128s");
    const order: string[] = [];
    const signing = kmip(t.s("Sign", t.text("UniqueIdentifier", sk), t.b("Data", hex(msg)))).then(
      (r) => (order.push("sign"), r),
    );
    await new Promise((r) => setTimeout(r, 50)); // the signature is under way
    const health = fetch(server.url + "/health").then((r) => (order.push("health"), r.status));
    expect(await health).toBe(200);
    const signed = await signing;
    expect(signed.status, signed.text).toBe(200);
    expect(order).toEqual(["health", "sign"]);
    const verify = await kmip(
      t.s(
        "SignatureVerify",
        t.text("UniqueIdentifier", pk),
        t.b("Data", hex(msg)),
        t.b("SignatureData", valueOf(signed.json, "SignatureData") as string),
      ),
    );
    expect(valueOf(verify.json, "ValidityIndicator")).toBe("Valid");
  }, 60_000);
});
