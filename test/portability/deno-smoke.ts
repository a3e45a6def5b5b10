// Portability smoke test: the KMIP codec and pure crypto modules on Deno.
import { decodeRequest, encodeOperationResponse } from "../../src/kmip/wire.ts";
import * as aesGcm from "../../src/crypto/aes-gcm.ts";
import * as ff1 from "../../src/crypto/ff1/index.ts";
import * as cc from "../../src/crypto/covercrypt/index.ts";
const r = decodeRequest(JSON.stringify({ tag: "Get", type: "Structure", value: [{ tag: "UniqueIdentifier", type: "TextString", value: "x" }] }));
console.log("decode", r.kind, (r as any).operation);
console.log("encode", encodeOperationResponse("Get", { UniqueIdentifier: "x" }, "cosmian-js"));
const key = new Uint8Array(32), nonce = new Uint8Array(12);
const { ciphertext, tag } = aesGcm.encrypt(key, nonce, new TextEncoder().encode("hi"));
console.log("aes-gcm", new TextDecoder().decode(aesGcm.decrypt(key, nonce, ciphertext, tag)));
console.log("ff1", ff1.text.encrypt(key, new Uint8Array(), "1234567890123456", "numeric"));
