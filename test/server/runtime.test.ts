/**
 * The same server on Bun and on Deno (the integration-deno project runs this file against a server
 * served by Deno, see test/helpers/server.ts): /version names the runtime that serves, and the
 * libsodium-backed AEADs give the same bytes on both, checked against @noble/ciphers, an independent
 * implementation, for a fixed key, nonce and AAD.
 */
import { describe, expect, test } from "vitest";
import { chacha20poly1305, xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { hex, postKmip, t, useTestServer, valueOf, type TestServer } from "../helpers/server.ts";
import { fromHex } from "../helpers/bytes.ts";

let server: TestServer;
useTestServer((s) => (server = s));

const expected = process.env.KMS_TEST_RUNTIME === "deno" ? "Deno" : "Bun";
const KEY = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"; // RFC 8439 §2.8.2
const AAD = "50515253c0c1c2c3c4c5c6c7";
const PLAINTEXT = hex(
  "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
);

describe(`the server runs on ${expected}`, () => {
  test("/version names the runtime", async () => {
    const r = await fetch(`${server.url}/version`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatch(new RegExp(`; TS KMS, ${expected}\\)$`));
  });

  test.each([
    ["ChaCha20-Poly1305 (RFC 8439 §2.8.2 inputs)", "070000004041424344454647", chacha20poly1305],
    ["XChaCha20-Poly1305 (24-byte nonce)", "404142434445464748494a4b4c4d4e4f5051525354555657", xchacha20poly1305],
  ])("%s: the same ciphertext and tag as @noble/ciphers, and it decrypts", async (_name, nonce, aead) => {
    const id = `aead-${crypto.randomUUID()}`;
    const attrs = t.s(
      "Attributes",
      t.e("CryptographicAlgorithm", "ChaCha20"),
      t.int("CryptographicLength", 256),
      t.e("CryptographicUsageMask", 12),
    );
    const imported = await postKmip(
      server.url,
      t.s(
        "Import",
        t.text("UniqueIdentifier", id),
        t.e("ObjectType", "SymmetricKey"),
        attrs,
        t.s(
          "Object",
          t.s(
            "KeyBlock",
            t.e("KeyFormatType", "Raw"),
            t.s("KeyValue", t.b("KeyMaterial", KEY)),
            t.e("CryptographicAlgorithm", "ChaCha20"),
            t.int("CryptographicLength", 256),
          ),
        ),
      ),
    );
    expect(imported.status, imported.text).toBe(200);
    const sealed = aead(fromHex(KEY), fromHex(nonce), fromHex(AAD)).encrypt(fromHex(PLAINTEXT));
    const ciphertext = Buffer.from(sealed.subarray(0, -16)).toString("hex");
    const tag = Buffer.from(sealed.subarray(-16)).toString("hex");

    const enc = await postKmip(
      server.url,
      t.s(
        "Encrypt",
        t.text("UniqueIdentifier", id),
        t.b("Data", PLAINTEXT),
        t.b("IvCounterNonce", nonce),
        t.b("AuthenticatedEncryptionAdditionalData", AAD),
      ),
    );
    expect(enc.status, enc.text).toBe(200);
    expect((valueOf(enc.json, "Data") as string).toLowerCase()).toBe(ciphertext);
    expect((valueOf(enc.json, "AuthenticatedEncryptionTag") as string).toLowerCase()).toBe(tag);
    if (aead === chacha20poly1305) expect(ciphertext.startsWith("d31a8d34648e60db7b86afbc53ef7ec2")).toBe(true); // RFC 8439 §2.8.2 ciphertext

    const dec = await postKmip(
      server.url,
      t.s(
        "Decrypt",
        t.text("UniqueIdentifier", id),
        t.b("Data", ciphertext),
        t.b("IvCounterNonce", nonce),
        t.b("AuthenticatedEncryptionAdditionalData", AAD),
        t.b("AuthenticatedEncryptionTag", tag),
      ),
    );
    expect(dec.status, dec.text).toBe(200);
    expect((valueOf(dec.json, "Data") as string).toLowerCase()).toBe(PLAINTEXT);
  });
});
