/**
 * RSA for the KMS (RFC 8017): key generation, key encodings,
 * RSAES-OAEP and RSAES-PKCS1-v1_5 encryption, RSASSA-PSS and RSASSA-PKCS1-v1_5 signatures (on data
 * or on a digest), and CKM_RSA_AES_KEY_WRAP (PKCS #11 v2.40 §2.1.21: RSA-OAEP of a fresh 256-bit
 * AES key ‖ RFC 5649 wrap of the payload), as the Cosmian KMS does them with OpenSSL.
 *
 * The RSA primitive, key generation and key parsing are node:crypto's (OpenSSL on Node, BoringSSL
 * on Bun: blinded, CRT). Encodings node:crypto cannot do are in rsa-padding.ts: OAEP with a
 * different MGF1 hash, PKCS#1 v1.5 decryption (refused by node since the Marvin attack; the KMS
 * serves it in non-FIPS mode, and so do we: prefer OAEP), PSS with a chosen MGF1 hash / salt
 * length or on a digest.
 *
 * Keys are plain big-endian components (the KMIP TransparentRSA* fields), converted to and from
 * PKCS#1, PKCS#8 and SubjectPublicKeyInfo DER in rsa-keys.ts (re-exported here). Errors: RangeError for bad input sizes,
 * RsaError (code) for keys and decryption failures; messages never carry key material.
 */
import { privateDecrypt, publicEncrypt, constants, type KeyObject } from "node:crypto";
import * as aesKw from "./aes-key-wrap.ts";
import { randomBytes } from "./random.ts";
import { wipe } from "./bytes.ts";
import * as pad from "./rsa-padding.ts";
import { HASH_LENGTH, RsaPaddingError, type RsaHash } from "./rsa-padding.ts";

export type { RsaHash } from "./rsa-padding.ts";
export { HASH_LENGTH } from "./rsa-padding.ts";
export * from "./rsa-keys.ts";
import {
  RsaError,
  modulusBits,
  privateKeyObject,
  publicKeyObject,
  type RsaPrivateKey,
  type RsaPublicKey,
} from "./rsa-keys.ts";

const modulusBytes = (k: RsaPublicKey) => Math.ceil(modulusBits(k) / 8);

// ---- the RSA primitives (RFC 8017 §5) through node:crypto ----

function rawPublic(k: RsaPublicKey, m: Uint8Array): Uint8Array {
  return new Uint8Array(publicEncrypt({ key: publicKeyObject(k), padding: constants.RSA_NO_PADDING }, m));
}

function rawPrivateWith(ko: KeyObject, c: Uint8Array): Uint8Array {
  return new Uint8Array(privateDecrypt({ key: ko, padding: constants.RSA_NO_PADDING }, c));
}

/** c^d mod n; a ciphertext / signature representative out of range is refused. */
function rawPrivate(k: RsaPrivateKey, c: Uint8Array): Uint8Array {
  const ko = privateKeyObject(k);
  if (c.length !== modulusBytes(k)) throw new RsaError("DECRYPTION_FAILED", "decryption error");
  try {
    return rawPrivateWith(ko, c);
  } catch (e) {
    throw new RsaError("DECRYPTION_FAILED", "decryption error", { cause: e });
  }
}

// ---- encryption ----

export interface OaepOptions {
  hash: RsaHash;
  /** MGF1 hash; defaults to `hash`. */
  mgf1Hash?: RsaHash;
  label?: Uint8Array;
}

const oaepParams = (o: OaepOptions): pad.OaepParams => ({
  hash: o.hash,
  mgf1Hash: o.mgf1Hash ?? o.hash,
  label: o.label,
});

/** RSAES-OAEP encryption (RFC 8017 §7.1.1). */
export function oaepEncrypt(k: RsaPublicKey, message: Uint8Array, o: OaepOptions): Uint8Array {
  const p = oaepParams(o);
  const size = modulusBytes(k);
  const max = pad.oaepMaxMessageLength(size, p);
  if (message.length > max)
    throw new RangeError(
      `RSA-OAEP: data too large for the key: at most ${Math.max(0, max)} bytes with a ${size * 8}-bit key and ${o.hash}, got ${message.length}`,
    );
  if (p.mgf1Hash === p.hash) {
    const label = p.label?.length ? Buffer.from(p.label) : undefined;
    return new Uint8Array(
      publicEncrypt(
        { key: publicKeyObject(k), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: p.hash, oaepLabel: label },
        message,
      ),
    );
  }
  return rawPublic(k, pad.oaepEncode(message, size, p, randomBytes(HASH_LENGTH[p.hash])));
}

/** RSAES-OAEP decryption (RFC 8017 §7.1.2); RsaError DECRYPTION_FAILED for any bad ciphertext. */
export function oaepDecrypt(k: RsaPrivateKey, ciphertext: Uint8Array, o: OaepOptions): Uint8Array {
  const p = oaepParams(o);
  const size = modulusBytes(k);
  if (p.mgf1Hash === p.hash) {
    const label = p.label?.length ? Buffer.from(p.label) : undefined;
    try {
      if (ciphertext.length !== size) throw new RangeError("bad length");
      return new Uint8Array(
        privateDecrypt(
          { key: privateKeyObject(k), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: p.hash, oaepLabel: label },
          ciphertext,
        ),
      );
    } catch (e) {
      if (e instanceof RsaError && e.code === "INVALID_KEY") throw e;
      throw new RsaError("DECRYPTION_FAILED", "decryption error", { cause: e });
    }
  }
  const em = rawPrivate(k, ciphertext);
  try {
    return pad.oaepDecode(em, size, p);
  } catch (e) {
    throw new RsaError("DECRYPTION_FAILED", "decryption error", {
      cause: e instanceof RsaPaddingError ? undefined : e,
    });
  } finally {
    wipe(em);
  }
}

/** RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1): legacy, non-FIPS. */
export function pkcs1v15Encrypt(k: RsaPublicKey, message: Uint8Array): Uint8Array {
  const size = modulusBytes(k);
  if (message.length > size - 11)
    throw new RangeError(
      `RSA PKCS#1 v1.5: data too large for the key: at most ${size - 11} bytes, got ${message.length}`,
    );
  return new Uint8Array(publicEncrypt({ key: publicKeyObject(k), padding: constants.RSA_PKCS1_PADDING }, message));
}

/** RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2); one error for every failure. */
export function pkcs1v15Decrypt(k: RsaPrivateKey, ciphertext: Uint8Array): Uint8Array {
  const em = rawPrivate(k, ciphertext);
  try {
    return pad.pkcs1v15Decode(em, modulusBytes(k));
  } catch {
    throw new RsaError("DECRYPTION_FAILED", "decryption error");
  } finally {
    wipe(em);
  }
}

// ---- signatures ----

export interface SignOptions {
  hash: RsaHash;
  /** `data` is already the digest (KMIP DigestedData). */
  prehashed?: boolean;
}
export interface PssOptions extends SignOptions {
  mgf1Hash?: RsaHash;
  /** Salt length in bytes; default the digest length (OpenSSL's RSA_PSS_SALTLEN_DIGEST, as the KMS). */
  saltLength?: number;
}

function digestOf(o: SignOptions, data: Uint8Array): Uint8Array {
  if (!o.prehashed) return pad.hash(o.hash, data);
  if (data.length !== HASH_LENGTH[o.hash])
    throw new RangeError(`the digest must be ${HASH_LENGTH[o.hash]} bytes for ${o.hash}, got ${data.length}`);
  return data;
}

/** RSASSA-PSS signature (RFC 8017 §8.1.1). */
export function pssSign(k: RsaPrivateKey, data: Uint8Array, o: PssOptions): Uint8Array {
  const saltLength = o.saltLength ?? HASH_LENGTH[o.hash];
  if (!Number.isInteger(saltLength) || saltLength < 0)
    throw new RangeError("RSA-PSS: the salt length must be a non-negative integer");
  const emBits = modulusBits(k) - 1;
  const em = pad.pssEncode(
    digestOf(o, data),
    emBits,
    { hash: o.hash, mgf1Hash: o.mgf1Hash ?? o.hash, saltLength },
    randomBytes(saltLength),
  );
  const size = modulusBytes(k);
  const padded = new Uint8Array(size);
  padded.set(em, size - em.length);
  return rawPrivate(k, padded);
}

/** true when `signature` is a valid RSASSA-PSS signature (RFC 8017 §8.1.2); any salt length unless given. */
export function pssVerify(k: RsaPublicKey, data: Uint8Array, signature: Uint8Array, o: PssOptions): boolean {
  const size = modulusBytes(k);
  if (signature.length !== size) return false;
  let m: Uint8Array;
  try {
    m = rawPublic(k, signature); // fails when signature >= n
  } catch {
    return false;
  }
  const emBits = modulusBits(k) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m.subarray(0, size - emLen).some((b) => b !== 0)) return false;
  return pad.pssVerify(digestOf(o, data), m.subarray(size - emLen), emBits, {
    hash: o.hash,
    mgf1Hash: o.mgf1Hash ?? o.hash,
    saltLength: o.saltLength ?? "auto",
  });
}

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.1). */
export function pkcs1v15Sign(k: RsaPrivateKey, data: Uint8Array, o: SignOptions): Uint8Array {
  return rawPrivate(k, pad.pkcs1v15SignatureEncode(o.hash, digestOf(o, data), modulusBytes(k)));
}

/** true when `signature` is a valid RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2.2, by re-encoding). */
export function pkcs1v15Verify(k: RsaPublicKey, data: Uint8Array, signature: Uint8Array, o: SignOptions): boolean {
  const size = modulusBytes(k);
  if (signature.length !== size) return false;
  let m: Uint8Array;
  try {
    m = rawPublic(k, signature);
  } catch {
    return false;
  }
  const expected = pad.pkcs1v15SignatureEncode(o.hash, digestOf(o, data), size);
  return m.length === expected.length && m.every((b, i) => b === expected[i]);
}

// ---- CKM_RSA_AES_KEY_WRAP ----

const KWP_KEY_LENGTH = 32;

/** RSA-OAEP(fresh AES-256 key) ‖ RFC 5649 wrap of `keyMaterial` under that key. */
export function aesKeyWrap(k: RsaPublicKey, keyMaterial: Uint8Array, o: OaepOptions): Uint8Array {
  const kek = randomBytes(KWP_KEY_LENGTH);
  try {
    const encapsulation = oaepEncrypt(k, kek, o);
    const wrapped = aesKw.wrapWithPadding(kek, keyMaterial);
    const out = new Uint8Array(encapsulation.length + wrapped.length);
    out.set(encapsulation, 0);
    out.set(wrapped, encapsulation.length);
    return out;
  } finally {
    wipe(kek);
  }
}

/** Inverse of aesKeyWrap; RsaError DECRYPTION_FAILED for a bad encapsulation or wrap. */
export function aesKeyUnwrap(k: RsaPrivateKey, wrapped: Uint8Array, o: OaepOptions): Uint8Array {
  const size = modulusBytes(k);
  if (wrapped.length <= size)
    throw new RsaError(
      "DECRYPTION_FAILED",
      `CKM_RSA_AES_KEY_WRAP: the wrapped data must be longer than the ${size}-byte encapsulation`,
    );
  const kek = oaepDecrypt(k, wrapped.subarray(0, size), o);
  try {
    return aesKw.unwrapWithPadding(kek, wrapped.subarray(size));
  } catch (e) {
    throw new RsaError("DECRYPTION_FAILED", "CKM_RSA_AES_KEY_WRAP: the AES key wrap failed its integrity check", {
      cause: e,
    });
  } finally {
    wipe(kek);
  }
}
