/**
 * Symmetric Encrypt/Decrypt: cipher selection and the KMIP field conventions.
 *
 * Selection (as the Cosmian KMS does it): algorithm from the request's CryptographicParameters, else
 * the key's stored CryptographicParameters, else the key's algorithm; AES mode likewise, GCM by
 * default; also GCMSIV (RFC 8452), XTS (512-bit keys for AES-256-XTS), CBC, ECB, and NISTKeyWrap /
 * AESKeyWrapPadding (RFC 3394 / 5649, the data is the key to wrap). ChaCha20 keys use
 * ChaCha20-Poly1305 (12-byte nonce), XChaCha20-Poly1305 (24-byte nonce or IvLength 192) or the plain
 * ChaCha20 stream cipher (8-byte nonce; the default for Cosmian 5.x requests, see pickCipher).
 *
 * Wire convention (what cloudproof_kms_js 4.0.0 expects): Data is the ciphertext alone; the nonce goes in
 * IVCounterNonce (returned when the server made it) and the tag in AuthenticatedEncryptionTag.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { Decrypt, Encrypt } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import * as aesGcm from "../../crypto/aes-gcm.ts";
import * as chacha from "../../crypto/chacha20-poly1305.ts";
import * as xchacha from "../../crypto/xchacha20-poly1305.ts";
import * as aesCbc from "../../crypto/aes-cbc.ts";
import * as aesEcb from "../../crypto/aes-ecb.ts";
import * as aesXts from "../../crypto/aes-xts.ts";
import * as aesGcmSiv from "../../crypto/aes-gcm-siv.ts";
import * as aesKw from "../../crypto/aes-key-wrap.ts";
import * as chacha20 from "../../crypto/chacha20.ts";
import type { WireDialect } from "../../kmip/wire.ts";
import { randomBytes } from "../../crypto/random.ts";
import { keyBlockOf, keyMaterialBytes } from "./keys.ts";

type Cipher =
  | { kind: "aes-gcm"; tagLength: number }
  | { kind: "aes-cbc"; padding: boolean }
  | { kind: "aes-ecb" }
  | { kind: "aes-xts" }
  | { kind: "chacha20-poly1305" }
  | { kind: "xchacha20-poly1305" }
  | { kind: "aes-gcm-siv" }
  | { kind: "aes-kw" }
  | { kind: "aes-kwp" }
  | { kind: "chacha20" };

/**
 * `wire` settles what a ChaCha20 key without a mode and without a nonce means: Cosmian 5.x (the
 * kmip-v5 wire form) uses the plain ChaCha20 stream cipher (8-byte nonce), the JS client's
 * generation ChaCha20-Poly1305. A given nonce decides by its length (8 plain, 12 AEAD, 24 XChaCha).
 */
function pickCipher(
  key: StoredObject,
  params: CryptographicParameters | undefined,
  nonce: Uint8Array | undefined,
  op: string,
  wire?: WireDialect,
): Cipher {
  const stored = key.attributes.CryptographicParameters;
  const algorithm =
    params?.CryptographicAlgorithm ?? stored?.CryptographicAlgorithm ?? key.attributes.CryptographicAlgorithm ?? "AES";
  const mode = params?.BlockCipherMode ?? stored?.BlockCipherMode;
  switch (algorithm) {
    case "AES": {
      switch (mode ?? "GCM") {
        case "GCM":
        case "AEAD": {
          const tagLength = params?.TagLength ?? 16;
          if (tagLength < 12 || tagLength > 16)
            fail(
              "Invalid_Field",
              `${op}: invalid tag length ${tagLength}: TagLength must be 12 to 16 bytes for AES-GCM`,
            );
          return { kind: "aes-gcm", tagLength };
        }
        case "CBC":
          return { kind: "aes-cbc", padding: (params?.PaddingMethod ?? stored?.PaddingMethod ?? "PKCS5") !== "None" };
        case "ECB":
          return { kind: "aes-ecb" };
        case "XTS":
          return { kind: "aes-xts" };
        case "GCMSIV":
          return { kind: "aes-gcm-siv" };
        case "NISTKeyWrap":
          return { kind: "aes-kw" };
        case "AESKeyWrapPadding":
          return { kind: "aes-kwp" };
        default:
          return fail("Operation_Not_Supported", `${op}: the AES block cipher mode ${mode} is not supported`);
      }
    }
    case "ChaCha20":
    case "ChaCha20Poly1305": {
      if (nonce?.length === 24 || params?.IvLength === 192) return { kind: "xchacha20-poly1305" };
      const plain =
        algorithm === "ChaCha20" &&
        mode !== "AEAD" &&
        (nonce !== undefined && nonce.length > 0 ? nonce.length === 8 : wire === "kmip-v5");
      if (plain) return { kind: "chacha20" };
      if (params?.TagLength !== undefined && params.TagLength !== 16)
        fail("Invalid_Field", `${op}: ChaCha20-Poly1305 tags are 16 bytes`);
      return { kind: "chacha20-poly1305" };
    }
    default:
      fail("Operation_Not_Supported", `${op}: the algorithm ${algorithm} cannot be used for symmetric encryption`);
  }
}

const NONCE_LENGTH: Record<Cipher["kind"], number> = {
  "aes-gcm": 12,
  "aes-cbc": 16,
  "aes-ecb": 0,
  "aes-xts": 16,
  "chacha20-poly1305": 12,
  "xchacha20-poly1305": 24,
  "aes-gcm-siv": 12,
  "aes-kw": 0,
  "aes-kwp": 0,
  chacha20: 8,
};

function checkKeyLength(kind: Cipher["kind"], key: Uint8Array, op: string): void {
  const ok = kind.startsWith("aes-")
    ? kind === "aes-xts"
      ? key.length === 32 || key.length === 64
      : kind === "aes-gcm-siv"
        ? key.length === 16 || key.length === 32
        : [16, 24, 32].includes(key.length)
    : key.length === 32;
  if (!ok) fail("Invalid_Field", `${op}: a ${key.length * 8}-bit key cannot be used for ${kind}`);
}

export function symmetricEncrypt(key: StoredObject, req: Encrypt, wire?: WireDialect): KmipRecord {
  const data = req.Data;
  if (data === undefined) fail("Invalid_Message", "Encrypt: missing data to encrypt (Data)");
  const keyBytes = keyMaterialBytes(keyBlockOf(key), key.id);
  const given = req.IVCounterNonce && req.IVCounterNonce.length > 0 ? req.IVCounterNonce : undefined;
  const cipher = pickCipher(key, req.CryptographicParameters, given, "Encrypt", wire);
  checkKeyLength(cipher.kind, keyBytes, "Encrypt");
  const nonceLength = NONCE_LENGTH[cipher.kind];
  if (given && cipher.kind !== "aes-gcm" && given.length !== nonceLength) {
    fail(
      "Invalid_Field",
      `Encrypt: invalid-iv-length: invalid IV/nonce length ${given.length} for ${cipher.kind}, expected ${nonceLength}`,
    );
  }
  const nonce = given ?? (nonceLength > 0 ? randomBytes(nonceLength) : undefined);
  const aad = req.AuthenticatedEncryptionAdditionalData;
  const response: KmipRecord = { UniqueIdentifier: key.id };
  try {
    switch (cipher.kind) {
      case "aes-gcm": {
        const { ciphertext, tag } = aesGcm.encrypt(keyBytes, nonce!, data, aad, cipher.tagLength);
        Object.assign(response, {
          Data: ciphertext,
          IVCounterNonce: given ? undefined : nonce,
          AuthenticatedEncryptionTag: tag,
        });
        break;
      }
      case "chacha20-poly1305":
      case "xchacha20-poly1305": {
        const { ciphertext, tag } = (cipher.kind === "chacha20-poly1305" ? chacha : xchacha).encrypt(
          keyBytes,
          nonce!,
          data,
          aad,
        );
        Object.assign(response, {
          Data: ciphertext,
          IVCounterNonce: given ? undefined : nonce,
          AuthenticatedEncryptionTag: tag,
        });
        break;
      }
      case "aes-cbc":
        Object.assign(response, {
          Data: aesCbc.encrypt(keyBytes, nonce!, data, cipher.padding ? "pkcs5" : "none"),
          IVCounterNonce: given ? undefined : nonce,
        });
        break;
      case "aes-ecb":
        Object.assign(response, { Data: aesEcb.encrypt(keyBytes, data) });
        break;
      case "aes-xts":
        Object.assign(response, {
          Data: aesXts.encrypt(keyBytes, nonce!, data),
          IVCounterNonce: given ? undefined : nonce,
        });
        break;
      case "aes-gcm-siv": {
        const { ciphertext, tag } = aesGcmSiv.encrypt(keyBytes, nonce!, data, aad);
        Object.assign(response, {
          Data: ciphertext,
          IVCounterNonce: given ? undefined : nonce,
          AuthenticatedEncryptionTag: tag,
        });
        break;
      }
      case "aes-kw":
        Object.assign(response, { Data: aesKw.wrap(keyBytes, data) });
        break;
      case "aes-kwp":
        Object.assign(response, { Data: aesKw.wrapWithPadding(keyBytes, data) });
        break;
      case "chacha20":
        Object.assign(response, {
          Data: chacha20.encrypt(keyBytes, nonce!, data),
          IVCounterNonce: given ? undefined : nonce,
        });
        break;
    }
  } catch (e) {
    throw cryptoError("Encrypt", e);
  }
  if (req.CorrelationValue) response.CorrelationValue = req.CorrelationValue;
  return response;
}

export function symmetricDecrypt(key: StoredObject, req: Decrypt): KmipRecord {
  let data = req.Data;
  if (data === undefined) fail("Invalid_Message", "Decrypt: missing data to decrypt (Data)");
  const keyBytes = keyMaterialBytes(keyBlockOf(key), key.id);
  const nonce = req.IVCounterNonce;
  const cipher = pickCipher(key, req.CryptographicParameters, nonce, "Decrypt");
  checkKeyLength(cipher.kind, keyBytes, "Decrypt");
  const nonceLength = NONCE_LENGTH[cipher.kind];
  if (nonceLength > 0 && nonce === undefined)
    fail("Invalid_Message", `Decrypt: missing-iv: ${cipher.kind} needs the IVCounterNonce`);
  // An empty IV means all zeros (Cosmian).
  const iv = nonce && nonce.length === 0 ? new Uint8Array(nonceLength) : nonce;
  if (iv && cipher.kind !== "aes-gcm" && iv.length !== nonceLength) {
    fail(
      "Invalid_Field",
      `Decrypt: invalid-iv-length: invalid IV/nonce length ${iv.length} for ${cipher.kind}, expected ${nonceLength}`,
    );
  }
  const aad = req.AuthenticatedEncryptionAdditionalData;
  let plaintext: Uint8Array;
  try {
    switch (cipher.kind) {
      case "aes-gcm":
      case "aes-gcm-siv":
      case "chacha20-poly1305":
      case "xchacha20-poly1305": {
        const tagLength = cipher.kind === "aes-gcm" ? cipher.tagLength : 16;
        let tag = req.AuthenticatedEncryptionTag;
        if (tag === undefined) {
          // KMIP 1.x clients append the tag to the data
          if (data.length < tagLength)
            fail("Cryptographic_Failure", "Decrypt: invalid tag: the data is shorter than the authentication tag");
          tag = data.subarray(data.length - tagLength);
          data = data.subarray(0, data.length - tagLength);
        }
        if (tag.length === 0) fail("Cryptographic_Failure", "Decrypt: invalid tag: the authentication tag is empty");
        const impl =
          cipher.kind === "aes-gcm"
            ? aesGcm
            : cipher.kind === "aes-gcm-siv"
              ? aesGcmSiv
              : cipher.kind === "chacha20-poly1305"
                ? chacha
                : xchacha;
        plaintext = impl.decrypt(keyBytes, iv!, data, tag, aad);
        break;
      }
      case "aes-cbc":
        plaintext = aesCbc.decrypt(keyBytes, iv!, data, cipher.padding ? "pkcs5" : "none");
        break;
      case "aes-ecb":
        plaintext = aesEcb.decrypt(keyBytes, data);
        break;
      case "aes-xts":
        plaintext = aesXts.decrypt(keyBytes, iv!, data);
        break;
      case "aes-kw":
        plaintext = aesKw.unwrap(keyBytes, data);
        break;
      case "aes-kwp":
        plaintext = aesKw.unwrapWithPadding(keyBytes, data);
        break;
      case "chacha20":
        plaintext = chacha20.decrypt(keyBytes, iv!, data);
        break;
    }
  } catch (e) {
    throw cryptoError("Decrypt", e);
  }
  const response: KmipRecord = { UniqueIdentifier: key.id, Data: plaintext };
  if (req.CorrelationValue) response.CorrelationValue = req.CorrelationValue;
  return response;
}

/** Crypto-module errors to KMIP: bad sizes are the caller's field errors, the rest a crypto failure. */
export function cryptoError(op: string, e: unknown): KmipError {
  if (e instanceof KmipError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError) return new KmipError("Invalid_Field", `${op}: ${message}`, "client", { cause: e });
  return new KmipError("Cryptographic_Failure", `${op}: CRYPTO: ${message}`, "client", { cause: e });
}
