/**
 * Generates ristretto-vectors.json: known-answer vectors for ECIES on Ristretto255 as Cosmian
 * crypto_core's `EciesR25519Aes128` (read from crypto_core v11.0.0; the scheme is unchanged since
 * v8.0.0; see README.md here).
 *
 *   npx bun test/vectors/ecies/generate-ristretto-vectors.ts > test/vectors/ecies/ristretto-vectors.json
 *
 * Every value is computed by the independent reference (ristretto-reference.ts: RFC 9496 group on
 * bigints, @noble/hashes SHAKE128, @noble/ciphers AES-GCM), then the production module
 * (src/crypto/ecies/ristretto.ts: @noble/curves group, node:crypto SHAKE128 and AES-GCM) must give
 * the same bytes and decrypt them; the script aborts otherwise. Keys and ephemeral scalars are
 * fixed: SHA-512(label) read little-endian and reduced mod ℓ, plus the edge scalars 1 and ℓ−1.
 */
import { createHash } from "node:crypto";
import { hex } from "../../helpers/bytes.ts";
import * as ristretto from "../../../src/crypto/ecies/ristretto.ts";
import * as ref from "./ristretto-reference.ts";

const L = ref.L;
const te = new TextEncoder();

const le = (n: bigint) => ref.bigintToLe(n);
function fromLe(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
}
function scalarFromLabel(label: string): bigint {
  return fromLe(createHash("sha512").update(label).digest()) % L;
}

const recipients = [
  {
    label: 'SHA-512("ts-kms ristretto255 ECIES test key 0") mod l',
    s: scalarFromLabel("ts-kms ristretto255 ECIES test key 0"),
  },
  {
    label: 'SHA-512("ts-kms ristretto255 ECIES test key 1") mod l',
    s: scalarFromLabel("ts-kms ristretto255 ECIES test key 1"),
  },
  { label: "scalar 1 (public key = base point B)", s: 1n },
].map((r) => ({ label: r.label, private_key: hex(le(r.s)), public_key: hex(ref.publicKeyOf(le(r.s))), s: r.s }));
for (const r of recipients) {
  if (hex(ristretto.getPublicKey(Buffer.from(r.private_key, "hex"))) !== r.public_key)
    throw new Error(`module and reference disagree on the public key of "${r.label}"`);
}

const ephemeral = (j: number) => scalarFromLabel(`ts-kms ristretto255 ECIES test ephemeral ${j}`);
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 0xff);

const cases: { recipient: number; r: bigint; label: string; plaintext: Uint8Array; aad: Uint8Array }[] = [
  { recipient: 0, r: ephemeral(0), label: "empty", plaintext: new Uint8Array(0), aad: new Uint8Array(0) },
  {
    recipient: 0,
    r: ephemeral(1),
    label: "Hello World!",
    plaintext: te.encode("Hello World!"),
    aad: new Uint8Array(0),
  },
  {
    recipient: 0,
    r: ephemeral(2),
    label: "Hello World! with associated data",
    plaintext: te.encode("Hello World!"),
    aad: te.encode("authenticated data"),
  },
  { recipient: 1, r: ephemeral(3), label: "32-byte key to wrap", plaintext: pattern(32), aad: new Uint8Array(0) },
  {
    recipient: 1,
    r: ephemeral(4),
    label: "1000 bytes (i mod 256) with associated data",
    plaintext: pattern(1000),
    aad: te.encode("uid-0001"),
  },
  {
    recipient: 2,
    r: 1n,
    label: "ephemeral scalar 1 (R = B) to public key B",
    plaintext: te.encode("edge: R = Q = B"),
    aad: new Uint8Array(0),
  },
  {
    recipient: 1,
    r: L - 1n,
    label: "ephemeral scalar l-1 (R = -B)",
    plaintext: te.encode("edge: r = l - 1"),
    aad: new Uint8Array(0),
  },
  {
    recipient: 1,
    r: ephemeral(5),
    label: 'crypto_core\'s own test inputs: "Hello World!" with "Optional authenticated data"',
    plaintext: te.encode("Hello World!"),
    aad: te.encode("Optional authenticated data"),
  },
  {
    recipient: 0,
    r: ephemeral(6),
    label: "empty plaintext with associated data",
    plaintext: new Uint8Array(0),
    aad: te.encode("aad only"),
  },
];

const encryption = cases.map((c) => {
  const rec = recipients[c.recipient];
  const Q = Buffer.from(rec.public_key, "hex");
  const { R, S, key, nonce, ciphertext } = ref.encryptTrace(c.plaintext, Q, le(c.r), c.aad);
  const viaModule = ristretto.encryptWithEphemeralKey(c.plaintext, Q, le(c.r), c.aad);
  if (hex(viaModule) !== hex(ciphertext)) throw new Error(`module and reference disagree on "${c.label}"`);
  const kdfModule = ristretto.deriveKeyAndNonce(R, S, Q);
  if (hex(kdfModule.key) !== hex(key) || hex(kdfModule.nonce) !== hex(nonce))
    throw new Error(`module and reference KDFs disagree on "${c.label}"`);
  if (hex(ristretto.decrypt(ciphertext, Buffer.from(rec.private_key, "hex"), c.aad)) !== hex(c.plaintext))
    throw new Error(`module cannot decrypt "${c.label}"`);
  if (hex(ref.decrypt(ciphertext, Buffer.from(rec.private_key, "hex"), c.aad)) !== hex(c.plaintext))
    throw new Error(`reference cannot decrypt "${c.label}"`);
  return {
    label: c.label,
    recipient: c.recipient,
    ephemeral_private_key: hex(le(c.r)),
    ephemeral_public_key: hex(R),
    shared_point: hex(S),
    kdf_key: hex(key),
    kdf_nonce: hex(nonce),
    plaintext: hex(c.plaintext),
    aad: hex(c.aad),
    ciphertext: hex(ciphertext),
  };
});

// Negative vectors, derived from encryption[2] (recipient 0, with associated data).
const base = encryption[2];
const ct = Buffer.from(base.ciphertext, "hex");
const flip = (i: number, mask = 0x01) => {
  const b = Buffer.from(ct);
  b[i] ^= mask;
  return hex(b);
};
const withR = (r: string) => hex(Buffer.concat([Buffer.from(r, "hex"), ct.subarray(32)]));
const decryption_failures = [
  {
    reason: "tag: last byte flipped",
    recipient: 0,
    ciphertext: flip(ct.length - 1),
    aad: base.aad,
    error: "DECRYPTION",
  },
  { reason: "body: first byte flipped", recipient: 0, ciphertext: flip(32), aad: base.aad, error: "DECRYPTION" },
  {
    reason: "R: bit 0x40 of byte 5 flipped",
    recipient: 0,
    ciphertext: flip(5, 0x40),
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "R = identity (32 zero bytes)",
    recipient: 0,
    ciphertext: withR("00".repeat(32)),
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "R = non-canonical field encoding (RFC 9496 A.2)",
    recipient: 0,
    ciphertext: withR("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "R = negative field element (RFC 9496 A.2)",
    recipient: 0,
    ciphertext: withR("0100000000000000000000000000000000000000000000000000000000000000"),
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "wrong associated data",
    recipient: 0,
    ciphertext: base.ciphertext,
    aad: hex(te.encode("authenticated datA")),
    error: "DECRYPTION",
  },
  { reason: "associated data missing", recipient: 0, ciphertext: base.ciphertext, aad: "", error: "DECRYPTION" },
  {
    reason: "wrong recipient private key",
    recipient: 1,
    ciphertext: base.ciphertext,
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "last byte removed",
    recipient: 0,
    ciphertext: hex(ct.subarray(0, ct.length - 1)),
    aad: base.aad,
    error: "DECRYPTION",
  },
  {
    reason: "47 bytes: shorter than R + tag",
    recipient: 0,
    ciphertext: hex(ct.subarray(0, 47)),
    aad: base.aad,
    error: "CIPHERTEXT_LENGTH",
  },
];

const invalid_private_keys = [
  { reason: "zero scalar", private_key: "00".repeat(32), error: "INVALID_KEY" },
  { reason: "l (not reduced)", private_key: hex(le(L)), error: "INVALID_KEY" },
  { reason: "l + 1 (non-canonical encoding of 1)", private_key: hex(le(L + 1n)), error: "INVALID_KEY" },
  { reason: "2^256 - 1", private_key: "ff".repeat(32), error: "INVALID_KEY" },
  { reason: "31 bytes", private_key: "01".repeat(31), error: "KEY_LENGTH" },
  { reason: "33 bytes", private_key: "01".repeat(33), error: "KEY_LENGTH" },
];

// RFC 9496 Appendix A.2 bad encodings, plus the identity and wrong lengths.
const rfc9496Bad = [
  "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
  "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
  "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];
const invalid_public_keys = [
  { reason: "identity (valid encoding, refused by this scheme)", public_key: "00".repeat(32), error: "INVALID_KEY" },
  ...rfc9496Bad.map((k) => ({ reason: "RFC 9496 A.2 bad encoding", public_key: k, error: "INVALID_KEY" })),
  { reason: "31 bytes", public_key: recipients[0].public_key.slice(0, 62), error: "KEY_LENGTH" },
  { reason: "33 bytes", public_key: recipients[0].public_key + "00", error: "KEY_LENGTH" },
];

const out = {
  scheme: "ECIES on Ristretto255 (RFC 9496) as Cosmian crypto_core EciesR25519Aes128: SHAKE128 KDF, AES-128-GCM",
  source:
    "read from Cosmian/crypto_core v11.0.0 (commit b479f6386ebb32f507a503adf5895e891e81b2d1): crates/core/src/ecies/generic_ecies_aes128gcm.rs, crates/core/src/ecies/curve_25519/r25519.rs, crates/core/src/kdf/sha3.rs (kdf128!); the scheme is the same in v8.0.0 to v11.0.0",
  generator: "test/vectors/ecies/generate-ristretto-vectors.ts (reference: test/vectors/ecies/ristretto-reference.ts)",
  layout: "ciphertext = R(32) || aes_gcm_ciphertext(len(plaintext)) || tag(16); overhead 48",
  kdf: "key = SHAKE128(S)[0..16]; nonce = SHAKE128(R || Q)[0..12] (R ephemeral, Q recipient, S = r*Q, all 32-byte RFC 9496 encodings)",
  aead: "AES-128-GCM(key, nonce, plaintext, aad = associated data; absent = empty)",
  keys: "private key = 32-byte little-endian canonical scalar, 0 < s < l; public key = RFC 9496 encoding of s*B; this server refuses the identity and the zero scalar",
  key_pairs: recipients.map(({ label, private_key, public_key }) => ({ label, private_key, public_key })),
  encryption,
  decryption_failures,
  invalid_private_keys,
  invalid_public_keys,
};
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
