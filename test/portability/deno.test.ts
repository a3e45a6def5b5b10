/**
 * Portability: the KMIP codec and the pure crypto modules on Deno, with known answers. Runs under
 * `deno test` (`npm run test:deno`, part of .ci/run), not under vitest: Deno.test, node:assert.
 * Deno comes from npm (the `deno` devDependency); `--node-modules-dir=manual` makes it resolve the
 * project's packages from node_modules as installed by npm.
 */
import assert from "node:assert/strict";
import { decodeRequest, encodeOperationResponse } from "../../src/kmip/wire.ts";
import * as aesGcm from "../../src/crypto/aes-gcm.ts";
import * as aesCbc from "../../src/crypto/aes-cbc.ts";
import * as aesKeyWrap from "../../src/crypto/aes-key-wrap.ts";
import { Ff1, text as fpeText } from "../../src/crypto/ff1/index.ts";
import * as covercrypt from "../../src/crypto/covercrypt/index.ts";
import { bytesToHex, hexToBytes } from "../../src/crypto/bytes.ts";
import fpeVectors from "../vectors/fpe/fpe-vectors.json" with { type: "json" };
import ccVectors from "../vectors/covercrypt/covercrypt-vectors.json" with { type: "json" };
import kwVectors from "../vectors/symmetric/aes-kw.json" with { type: "json" };

declare const Deno: { test(name: string, fn: () => void): void };

const hex = (b: Uint8Array) => bytesToHex(b).toLowerCase();

Deno.test("decodes both JSON generations and answers in the request's", () => {
  const js = decodeRequest(
    JSON.stringify({
      tag: "Get",
      type: "Structure",
      value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }],
    }),
  );
  assert.deepEqual(js, {
    kind: "operation",
    dialect: "cosmian-js",
    operation: "Get",
    payload: { UniqueIdentifier: "x" },
  });
  const v5 = decodeRequest(
    JSON.stringify({ tag: "Get", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }] }),
  );
  assert.equal(v5.dialect, "kmip-v5");
  assert.deepEqual(JSON.parse(encodeOperationResponse("Get", { UniqueIdentifier: "x" }, "cosmian-js")), {
    tag: "GetResponse",
    type: "Structure",
    value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }],
  });
  assert.deepEqual(JSON.parse(encodeOperationResponse("Get", { UniqueIdentifier: "x" }, "kmip-v5")), {
    tag: "GetResponse",
    value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }],
  });
  assert.throws(() => decodeRequest("{not json"), /not valid JSON/);
});

Deno.test("AES-256-GCM: NIST GCM test case 14 (zero key and IV, one zero block)", () => {
  const key = new Uint8Array(32),
    nonce = new Uint8Array(12),
    pt = new Uint8Array(16);
  const { ciphertext, tag } = aesGcm.encrypt(key, nonce, pt);
  assert.equal(hex(ciphertext), "cea7403d4d606b6e074ec5d3baf39d18");
  assert.equal(hex(tag), "d0d1c8a799996bf0265b98b5d48ab919");
  assert.equal(hex(aesGcm.decrypt(key, nonce, ciphertext, tag)), hex(pt));
  const bad = tag.slice();
  bad[0] ^= 1;
  assert.throws(() => aesGcm.decrypt(key, nonce, ciphertext, bad));
});

Deno.test("AES-192-CBC and -GCM (which Deno's node:crypto lacks): NIST SP 800-38A F.2.3, GCM test case 8", () => {
  const key = hexToBytes("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b");
  const iv = hexToBytes("000102030405060708090a0b0c0d0e0f");
  const ct = aesCbc.encrypt(key, iv, hexToBytes("6bc1bee22e409f96e93d7e117393172a"), "none");
  assert.equal(hex(ct), "4f021db243bc633d7178183a9fa071e8");
  assert.equal(hex(aesCbc.decrypt(key, iv, ct, "none")), "6bc1bee22e409f96e93d7e117393172a");
  const { ciphertext, tag } = aesGcm.encrypt(new Uint8Array(24), new Uint8Array(12), new Uint8Array(16));
  assert.equal(hex(ciphertext), "98e7247c07f0fe411c267e4384b0f600");
  assert.equal(hex(tag), "2ff58d80033927ab8ef4d4587514f0fb");
  assert.equal(hex(aesGcm.decrypt(new Uint8Array(24), new Uint8Array(12), ciphertext, tag)), "00".repeat(16));
  const bad = tag.slice();
  bad[0] ^= 1;
  assert.throws(() => aesGcm.decrypt(new Uint8Array(24), new Uint8Array(12), ciphertext, bad));
});

Deno.test("AES key wrap: RFC 3394 and RFC 5649 vectors", () => {
  for (const v of kwVectors.kw)
    assert.equal(hex(aesKeyWrap.wrap(hexToBytes(v.kek), hexToBytes(v.key))), v.wrapped, v.name);
  for (const v of kwVectors.kwp)
    assert.equal(hex(aesKeyWrap.wrapWithPadding(hexToBytes(v.kek), hexToBytes(v.key))), v.wrapped, v.name);
});

Deno.test("FF1: the NIST SP 800-38G samples (10 rounds) and cloudproof_js alphabets (18 rounds)", () => {
  for (const s of fpeVectors.nist_ff1_samples) {
    const digits = [...s.plaintext].map((c) => parseInt(c, 36));
    const out = new Ff1(hexToBytes(s.key), s.radix, { rounds: 10 }).encrypt(hexToBytes(s.tweak), digits);
    assert.equal([...out].map((d) => d.toString(36)).join(""), s.ciphertext, `sample ${s.sample}`);
  }
  let checked = 0;
  for (const v of fpeVectors.alphabet.filter((a) => !a.additionalCharacters)) {
    const key = hexToBytes(v.key),
      tweak = hexToBytes(v.tweak);
    assert.equal(fpeText.encrypt(key, tweak, v.plaintext, v.alphabet), v.ciphertext, v.alphabet);
    assert.equal(fpeText.decrypt(key, tweak, v.ciphertext, v.alphabet), v.plaintext, v.alphabet);
    checked++;
  }
  assert.ok(checked > 0);
});

Deno.test("CoverCrypt v14: decrypts cloudproof_js ciphertexts with cloudproof_js user keys, refuses the others", () => {
  let ok = 0,
    refused = 0;
  for (const c of ccVectors.cases) {
    for (const ct of c.ciphertexts) {
      for (const d of ct.decryptions) {
        const usk = hexToBytes(c.userKeys[d.userKey].userSecretKey);
        const run = () =>
          covercrypt.decrypt(usk, hexToBytes(ct.ciphertext), { authenticationData: hexToBytes(ct.authenticationData) });
        if (d.success) {
          assert.equal(hex(run().plaintext), ct.plaintext);
          ok++;
        } else {
          assert.throws(run);
          refused++;
        }
      }
    }
  }
  assert.ok(ok > 0 && refused > 0, `${ok} decryptions, ${refused} refusals`);
});
