/**
 * Large Encrypt/Decrypt payloads over HTTP, in JSON (hex) and binary TTLV: the answers come back
 * byte for byte (the ciphertext checked independently with node:crypto and libsodium), large JSON
 * answers are valid JSON with upper-case hex, and bad large input is still refused with the same
 * KMIP errors (bad hex, a truncated binary ByteString with its byte offset).
 */
import { createDecipheriv, randomBytes } from "node:crypto";
import sodium from "sodium-native";
import { beforeAll, describe, expect, test } from "vitest";
import {
  expectKmipError,
  find,
  findAll,
  postKmip,
  t,
  useTestServer,
  v5,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";
import { batchItems, postBinary, requestMessage } from "../helpers/binary.ts";

let server: TestServer;
useTestServer((s) => (server = s));

const MiB = 1024 * 1024;
const hexOf = (b: Uint8Array) => Buffer.from(b).toString("hex");
const bytesOf = (node: Node | undefined, ...tags: string[]): Buffer => {
  for (const tag of tags) {
    const v = valueOf(node, tag);
    if (typeof v === "string") return Buffer.from(v, "hex");
  }
  throw new Error(`no ${tags.join(" or ")} in ${JSON.stringify(node).slice(0, 300)}`);
};
const payload = (size: number) => {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 65536) b.set(randomBytes(Math.min(65536, size - i)), i);
  return b;
};

const keys: Record<"aes" | "chacha", { id: string; key: Buffer }> = {} as never;
beforeAll(async () => {
  for (const [name, algorithm] of [
    ["aes", "AES"],
    ["chacha", "ChaCha20"],
  ] as const) {
    const created = await postKmip(
      server.url,
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", algorithm), t.int("CryptographicLength", 256)),
      ),
    );
    expect(created.status, created.text).toBe(200);
    const id = valueOf(created.json, "UniqueIdentifier") as string;
    const got = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", id), t.e("KeyFormatType", "Raw")));
    keys[name] = { id, key: bytesOf(got.json, "KeyMaterial") };
  }
});

const params = (cipher: "aes" | "chacha") =>
  cipher === "aes"
    ? t.s("CryptographicParameters", t.e("BlockCipherMode", "GCM"))
    : t.s("CryptographicParameters", t.e("CryptographicAlgorithm", "ChaCha20Poly1305"));

/** Decrypts independently of the server (node:crypto for AES-GCM, libsodium for ChaCha20-Poly1305). */
function openIndependently(cipher: "aes" | "chacha", ct: Buffer, nonce: Buffer, tag: Buffer): Buffer {
  const key = keys[cipher].key;
  if (cipher === "aes") {
    const d = createDecipheriv("aes-256-gcm", key, nonce).setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  }
  const out = Buffer.alloc(ct.length);
  sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, null, ct, tag, null, nonce, key);
  return out;
}

const encryptNode = (cipher: "aes" | "chacha", plaintext: Uint8Array) =>
  t.s("Encrypt", t.text("UniqueIdentifier", keys[cipher].id), params(cipher), t.b("Data", hexOf(plaintext)));
const decryptNode = (cipher: "aes" | "chacha", ct: Uint8Array, nonce: Uint8Array, tag: Uint8Array) =>
  t.s(
    "Decrypt",
    t.text("UniqueIdentifier", keys[cipher].id),
    params(cipher),
    t.b("Data", hexOf(ct)),
    t.b("IvCounterNonce", hexOf(nonce)),
    t.b("AuthenticatedEncryptionTag", hexOf(tag)),
  );

describe("JSON (hex) round trips", () => {
  test.each([
    ["aes", MiB, "cosmian-js"],
    ["aes", 5 * MiB + 3, "kmip-v5"],
    ["chacha", MiB + 1, "kmip-v5"],
    ["chacha", 3 * MiB, "cosmian-js"],
  ] as const)("%s, %i bytes, %s dialect", async (cipher, size, dialect) => {
    const plaintext = payload(size);
    const form = (n: Node) => (dialect === "kmip-v5" ? v5(n) : n);
    const enc = await postKmip(server.url, form(encryptNode(cipher, plaintext)));
    expect(enc.status, enc.text.slice(0, 300)).toBe(200);
    expect(enc.json, "the answer is valid JSON").toBeDefined();
    const data = valueOf(enc.json, "Data") as string;
    expect(data).toMatch(/^[0-9A-F]+$/); // upper-case hex, as Cosmian sends it
    expect(data.length).toBe(2 * size);
    const ct = bytesOf(enc.json, "Data");
    const nonce = bytesOf(enc.json, "IvCounterNonce", "IVCounterNonce");
    const tag = bytesOf(enc.json, "AuthenticatedEncryptionTag");
    expect(openIndependently(cipher, ct, nonce, tag).equals(plaintext)).toBe(true);

    const dec = await postKmip(server.url, form(decryptNode(cipher, ct, nonce, tag)));
    expect(dec.status, dec.text.slice(0, 300)).toBe(200);
    expect(bytesOf(dec.json, "Data").equals(plaintext)).toBe(true);
    expect(valueOf(dec.json, "UniqueIdentifier")).toBe(keys[cipher].id);
  });

  test("a RequestMessage of two large items answers both, in order, as valid JSON", async () => {
    const a = payload(MiB + 5);
    const b = payload(2 * MiB);
    const item = (n: Node) => t.s("BatchItem", t.e("Operation", n.tag), t.s("RequestPayload", ...(n.value as Node[])));
    const message = t.s(
      "RequestMessage",
      t.s(
        "RequestHeader",
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
        t.int("BatchCount", 2),
      ),
      item(encryptNode("aes", a)),
      item(encryptNode("chacha", b)),
    );
    const r = await postKmip(server.url, message, {}, "/kmip");
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const items = findAll(r.json, "BatchItem");
    expect(items.map((i) => valueOf(i, "ResultStatus"))).toEqual(["Success", "Success"]);
    const open = (i: Node, cipher: "aes" | "chacha") =>
      openIndependently(
        cipher,
        bytesOf(i, "Data"),
        bytesOf(i, "IvCounterNonce", "IVCounterNonce"),
        bytesOf(i, "AuthenticatedEncryptionTag"),
      );
    expect(open(items[0], "aes").equals(a)).toBe(true);
    expect(open(items[1], "chacha").equals(b)).toBe(true);
  });

  test("a RequestMessage with one 40 KiB item answers valid JSON in one piece (with its length)", async () => {
    const plaintext = payload(40 * 1024);
    const n = encryptNode("aes", plaintext);
    const message = t.s(
      "RequestMessage",
      t.s(
        "RequestHeader",
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
        t.int("BatchCount", 1),
      ),
      t.s("BatchItem", t.e("Operation", "Encrypt"), t.s("RequestPayload", ...(n.value as Node[]))),
    );
    const res = await fetch(`${server.url}/kmip`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
    });
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await res.text();
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const [item] = findAll(JSON.parse(text), "BatchItem");
    const ct = bytesOf(item, "Data");
    const opened = openIndependently(
      "aes",
      ct,
      bytesOf(item, "IvCounterNonce", "IVCounterNonce"),
      bytesOf(item, "AuthenticatedEncryptionTag"),
    );
    expect(opened.equals(plaintext)).toBe(true);
  });

  test.each([
    ["odd length", (h: string) => h + "A"],
    ["a non-hex character far into the value", (h: string) => `${h.slice(0, 1_500_001)}g${h.slice(1_500_002)}`],
    ["a non-ASCII character far into the value", (h: string) => `${h.slice(0, 1_700_000)}é${h.slice(1_700_001)}`],
  ])("bad hex in a large value (%s) is refused as before, and nothing is encrypted", async (_, spoil) => {
    const node = encryptNode("aes", payload(MiB));
    const data = find(node, "Data")!;
    data.value = spoil(data.value as string);
    const r = await postKmip(server.url, node);
    expectKmipError(r, 422, "Invalid_Message", /\/Encrypt\/Data: ByteString value must be an even-length hex string/);
    expect(r.text.length).toBeLessThan(500); // names the problem, does not echo megabytes
  });
});

describe("binary TTLV round trips", () => {
  test.each([
    ["aes", MiB],
    ["aes", 5 * MiB + 3],
    ["chacha", MiB + 1],
  ] as const)("%s, %i bytes", async (cipher, size) => {
    const plaintext = payload(size);
    const enc = await postBinary(
      server.url,
      requestMessage([2, 1], ["Encrypt", encryptNode(cipher, plaintext).value as Node[]]),
      {},
      "/kmip/2_1",
    );
    expect(enc.status).toBe(200);
    expect(enc.contentType).toBe("application/octet-stream");
    expect(enc.contentLength).toBe(String(enc.bytes.length)); // sent with its length, not chunked
    const [item] = batchItems(enc.node);
    expect(valueOf(item, "ResultStatus"), JSON.stringify(item).slice(0, 300)).toBe("Success");
    const ct = bytesOf(item, "Data");
    const nonce = bytesOf(item, "IVCounterNonce", "IvCounterNonce");
    const tag = bytesOf(item, "AuthenticatedEncryptionTag");
    expect(ct.length).toBe(size);
    expect(openIndependently(cipher, ct, nonce, tag).equals(plaintext)).toBe(true);

    const dec = await postBinary(
      server.url,
      requestMessage([2, 1], ["Decrypt", decryptNode(cipher, ct, nonce, tag).value as Node[]]),
      {},
      "/kmip/2_1",
    );
    const [out] = batchItems(dec.node);
    expect(valueOf(out, "ResultStatus")).toBe("Success");
    expect(bytesOf(out, "Data").equals(plaintext)).toBe(true);
  });

  test("a large ByteString claiming more bytes than its container holds is refused with its offset", async () => {
    const message = requestMessage([2, 1], ["Encrypt", encryptNode("aes", payload(MiB)).value as Node[]]);
    // the Data item (tag 0x4200C2, type 0x08): claim 64 KiB more than the message carries
    let at = -1;
    for (let i = 0; at < 0 && i + 8 <= message.length; i += 8)
      if (message[i] === 0x42 && message[i + 1] === 0x00 && message[i + 2] === 0xc2 && message[i + 3] === 0x08) at = i;
    expect(at).toBeGreaterThan(0);
    const view = new DataView(message.buffer, message.byteOffset);
    view.setUint32(at + 4, view.getUint32(at + 4) + 65536);
    const r = await postBinary(server.url, message, {}, "/kmip/2_1");
    expect(r.status).toBe(200);
    const [item] = batchItems(r.node);
    expect(valueOf(item, "ResultStatus")).toBe("OperationFailed");
    expect(valueOf(item, "ResultReason")).toBe("Invalid_Message");
    expect(valueOf(item, "ResultMessage")).toBe(
      `binary TTLV at byte ${at + 4}: ByteString Data of length ${MiB + 65536} overruns its container (${MiB} bytes left)`,
    );
  });

  test("a large message cut short is refused with its offset", async () => {
    const message = requestMessage([2, 1], ["Encrypt", encryptNode("aes", payload(MiB)).value as Node[]]);
    const r = await postBinary(server.url, message.subarray(0, message.length - 4096), {}, "/kmip/2_1");
    const [item] = batchItems(r.node);
    expect(valueOf(item, "ResultReason")).toBe("Invalid_Message");
    expect(valueOf(item, "ResultMessage")).toMatch(
      /^binary TTLV at byte 4: Structure RequestMessage of length \d+ overruns/,
    );
  });
});
