/**
 * KMIP CryptographicParameters -> RSA scheme and options (as the Cosmian KMS maps
 * them: Cosmian crate/crypto/src/crypto/rsa/{mod,sign,verify}.rs, crypto/wrap/common.rs).
 *
 * Encryption and key wrapping: PaddingMethod OAEP (default; HashingAlgorithm default SHA-256, MGF1
 * with MaskGeneratorHashingAlgorithm or the same hash, label = PSource), None = CKM_RSA_AES_KEY_WRAP
 * (OAEP with those hashes + RFC 5649), PKCS1v15 (legacy, non-FIPS, as the KMS).
 *
 * Signatures: DigitalSignatureAlgorithm decides, as the KMS: RSASSAPSS -> PSS, xxxWithRSAEncryption ->
 * PKCS#1 v1.5 (even with PaddingMethod PSS, as the KMS signs and verifies them); ECDSA / DSA names
 * are refused ("not supported"). Without it: PaddingMethod PKCS1v15 -> PKCS#1 v1.5, else PSS (the
 * KMS's default). Hash: HashingAlgorithm, else the one the signature algorithm names, else SHA-256;
 * a digest given without any hash choice takes the hash of its length (20/32/48/64 bytes), as the KMS.
 * PSS: MGF1 with MaskGeneratorHashingAlgorithm or the same hash; salt = SaltLength or the digest
 * length; verification accepts any salt length unless SaltLength is given.
 */
import { lookupTable } from "../../crypto/lookup.ts";
import { fail } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { OaepOptions, PssOptions, RsaHash, SignOptions } from "../../crypto/rsa.ts";

const HASHES: Record<string, RsaHash> = lookupTable({
  MD5: "md5",
  SHA1: "sha1",
  SHA224: "sha224",
  SHA256: "sha256",
  SHA384: "sha384",
  SHA512: "sha512",
  SHA3224: "sha3-224",
  SHA3256: "sha3-256",
  SHA3384: "sha3-384",
  SHA3512: "sha3-512",
});

const DSA_HASH: Record<string, RsaHash | undefined> = lookupTable({
  RSASSAPSS: undefined,
  MD5WithRSAEncryption: "md5",
  SHA1WithRSAEncryption: "sha1",
  SHA224WithRSAEncryption: "sha224",
  SHA256WithRSAEncryption: "sha256",
  SHA384WithRSAEncryption: "sha384",
  SHA512WithRSAEncryption: "sha512",
  SHA3256WithRSAEncryption: "sha3-256",
  SHA3384WithRSAEncryption: "sha3-384",
  SHA3512WithRSAEncryption: "sha3-512",
});

const BY_DIGEST_LENGTH: Record<number, RsaHash> = { 20: "sha1", 32: "sha256", 48: "sha384", 64: "sha512" };

function hashOf(name: string | undefined, op: string, allowMd5: boolean): RsaHash | undefined {
  if (name === undefined) return undefined;
  const h = HASHES[name];
  if (!h || (h === "md5" && !allowMd5))
    fail("Invalid_Field", `${op}: the hashing algorithm ${name} is not supported for RSA`);
  return h;
}

export type RsaCipher = { kind: "oaep" | "aes-key-wrap"; oaep: OaepOptions } | { kind: "pkcs1v15" };

/** The encryption / key wrapping scheme the parameters ask for. */
export function cipherOf(p: CryptographicParameters | undefined, op: string): RsaCipher {
  const padding = p?.PaddingMethod ?? "OAEP";
  const hash = hashOf(p?.HashingAlgorithm, op, false) ?? "sha256";
  const oaep: OaepOptions = {
    hash,
    mgf1Hash: hashOf(p?.MaskGeneratorHashingAlgorithm, op, false) ?? hash,
    ...(p?.PSource?.length ? { label: p.PSource } : {}),
  };
  if (padding === "OAEP") return { kind: "oaep", oaep };
  if (padding === "None") return { kind: "aes-key-wrap", oaep };
  if (padding === "PKCS1v15") return { kind: "pkcs1v15" };
  return fail(
    "Invalid_Field",
    `${op}: the padding method ${padding} is not supported for RSA (use OAEP, PKCS1v15, or None for CKM_RSA_AES_KEY_WRAP)`,
  );
}

export type RsaSignature = { kind: "pss"; options: PssOptions } | { kind: "pkcs1v15"; options: SignOptions };

/** The signature scheme the parameters ask for; `data` is the digest when `prehashed`. */
export function signatureOf(
  p: CryptographicParameters | undefined,
  data: Uint8Array,
  prehashed: boolean,
  op: string,
): RsaSignature {
  const dsa = p?.DigitalSignatureAlgorithm;
  if (dsa !== undefined && !(dsa in DSA_HASH))
    fail("Invalid_Field", `${op}: not supported: ${dsa} (an RSA key signs with RSASSAPSS or xxxWithRSAEncryption)`);
  let hash = hashOf(p?.HashingAlgorithm, op, true) ?? (dsa ? DSA_HASH[dsa] : undefined);
  if (!hash && prehashed) hash = BY_DIGEST_LENGTH[data.length];
  hash ??= "sha256";
  const pss = dsa !== undefined ? dsa === "RSASSAPSS" : p?.PaddingMethod !== "PKCS1v15";
  if (!pss) return { kind: "pkcs1v15", options: { hash, prehashed } };
  if (p?.PaddingMethod !== undefined && p.PaddingMethod !== "PSS" && dsa === undefined) {
    fail(
      "Invalid_Field",
      `${op}: the padding method ${p.PaddingMethod} does not apply to RSA signatures (use PSS or PKCS1v15)`,
    );
  }
  return {
    kind: "pss",
    options: {
      hash,
      prehashed,
      mgf1Hash: hashOf(p?.MaskGeneratorHashingAlgorithm, op, true) ?? hash,
      ...(p?.SaltLength !== undefined ? { saltLength: p.SaltLength } : {}),
    },
  };
}
