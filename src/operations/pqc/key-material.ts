/**
 * Post-quantum keys in KMIP key blocks (Cosmian crate/crypto/src/crypto/
 * pqc/mod.rs): KMIP algorithm names <-> src/crypto/pqc.ts names, and the key forms we read / write.
 *
 *   KMIP CryptographicAlgorithm   MLKEM_512/768/1024, MLDSA_44/65/87, SLHDSA_{SHA2,SHAKE}_{128,192,256}{s,f}
 *   stored (as the KMS)           KeyFormatType PKCS8: private = PKCS#8 DER, public = SubjectPublicKeyInfo
 *                                 DER (key-formats/pqc-der.ts), KeyMaterial a plain ByteString
 *   also read                     Raw: the standard's secret / public key bytes (the algorithm from the
 *                                 key block or the attributes); X509 for public keys (= SPKI)
 *   Get/Export conversions        private: PKCS8 | Raw (the expanded secret key, what OpenSSL's
 *                                 raw private key is); public: PKCS8 | X509 (SPKI) | Raw
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import * as pqc from "../../crypto/pqc.ts";
import * as der from "../../crypto/key-formats/pqc-der.ts";

/** pqc.ts name -> KMIP name: ML-KEM-768 -> MLKEM_768, SLH-DSA-SHA2-128f -> SLHDSA_SHA2_128f. */
export function kmipAlgorithm(a: pqc.PqcAlgorithm): string {
  return a.replace(/^(ML|SLH)-(KEM|DSA)-/, "$1$2_").replace(/-/g, "_");
}

const BY_KMIP_NAME = new Map(pqc.ALGORITHMS.map((a) => [kmipAlgorithm(a), a]));

/** KMIP name -> pqc.ts name, or undefined for other algorithms. */
export function pqcAlgorithm(kmip: string | undefined): pqc.PqcAlgorithm | undefined {
  return kmip === undefined ? undefined : BY_KMIP_NAME.get(kmip);
}

export interface PqcKey {
  algorithm: pqc.PqcAlgorithm;
  /** Present on private keys. */
  secretKey?: Uint8Array;
  seed?: Uint8Array;
  publicKey?: Uint8Array;
}

function materialBytes(kb: KeyBlock): Uint8Array | undefined {
  const m = (kb.KeyValue as KeyValue).KeyMaterial;
  if (m instanceof Uint8Array) return m;
  if (m && typeof m === "object" && (m as KmipRecord).ByteString instanceof Uint8Array)
    return (m as KmipRecord).ByteString as Uint8Array;
  return undefined;
}

/**
 * The post-quantum key held by a key block, or undefined when it is not one (other algorithms,
 * wrapped keys). Throws KmipError Invalid_Field when it is one but malformed.
 */
export function readPqcKey(kb: KeyBlock | undefined, isPrivate: boolean, attrs?: Attributes): PqcKey | undefined {
  if (!kb?.KeyValue || kb.KeyValue instanceof Uint8Array || kb.KeyWrappingData) return undefined;
  const declared = pqcAlgorithm(kb.CryptographicAlgorithm ?? attrs?.CryptographicAlgorithm);
  const bytes = materialBytes(kb);
  if (!bytes) return undefined;
  try {
    switch (kb.KeyFormatType) {
      case "PKCS8":
      case "X509": {
        const inDer = der.algorithmOf(bytes);
        if (!inDer) return undefined;
        if (declared && declared !== inDer)
          fail(
            "Invalid_Field",
            `the key material is a ${inDer} key, but the key is declared ${kmipAlgorithm(declared)}`,
          );
        if (isPrivate) {
          if (kb.KeyFormatType === "X509") return undefined;
          const k = der.privateKeyFromPkcs8(bytes);
          return { algorithm: k.algorithm, secretKey: k.secretKey, ...(k.seed ? { seed: k.seed } : {}) };
        }
        return der.publicKeyFromSpki(bytes);
      }
      case "Raw": {
        if (!declared) return undefined;
        const l = pqc.lengths(declared);
        const expected = isPrivate ? l.secretKey : l.publicKey;
        if (bytes.length !== expected)
          fail(
            "Invalid_Field",
            `a raw ${declared} ${isPrivate ? "private" : "public"} key must be ${expected} bytes, got ${bytes.length}`,
          );
        return isPrivate
          ? { algorithm: declared, secretKey: bytes.slice() }
          : { algorithm: declared, publicKey: bytes.slice() };
      }
      default:
        return undefined;
    }
  } catch (e) {
    if (e instanceof KmipError) throw e;
    throw new KmipError(
      "Invalid_Field",
      `invalid ${kb.KeyFormatType} post-quantum key: ${(e as Error).message}`,
      "client",
      { cause: e },
    );
  }
}

export function pqcKeyOfObject(o: StoredObject): PqcKey | undefined {
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  return readPqcKey(o.object.KeyBlock as KeyBlock | undefined, o.objectType === "PrivateKey", o.attributes);
}

/**
 * The post-quantum algorithm of a private / public key object, read cheaply (no key parsing) for
 * the `handles` checks; undefined for other keys.
 */
export function pqcAlgorithmOfObject(o: StoredObject): pqc.PqcAlgorithm | undefined {
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  const kb = o.object.KeyBlock as KeyBlock | undefined;
  if (!kb?.KeyValue || kb.KeyValue instanceof Uint8Array || kb.KeyWrappingData) return undefined;
  if (kb.KeyFormatType === "Raw") return pqcAlgorithm(kb.CryptographicAlgorithm ?? o.attributes.CryptographicAlgorithm);
  if (kb.KeyFormatType !== "PKCS8" && kb.KeyFormatType !== "X509") return undefined;
  const bytes = materialBytes(kb);
  return bytes ? der.algorithmOf(bytes) : undefined;
}

/** The key of `o`, which must be a post-quantum key (callers checked with `handles`). */
export function requirePqcKey(o: StoredObject): PqcKey {
  const k = pqcKeyOfObject(o);
  if (!k)
    throw new KmipError("Operation_Not_Supported", `the key ${o.id} is not a post-quantum key this server can use`);
  return k;
}

/** The public key of `k` (derived from the secret key on private keys). */
export function publicOf(k: PqcKey): Uint8Array {
  if (k.publicKey) return k.publicKey;
  if (!k.secretKey) fail("Key_Value_Not_Present", "the post-quantum key has no key material");
  try {
    k.publicKey = pqc.publicKeyOf(k.algorithm, k.secretKey);
  } catch (e) {
    throw new KmipError("Invalid_Field", `invalid ${k.algorithm} private key: ${(e as Error).message}`, "client", {
      cause: e,
    });
  }
  return k.publicKey;
}

function noFormat(k: PqcKey, format: string, what: string): never {
  throw new KmipError(
    "Key_Format_Type_Not_Supported",
    `a ${kmipAlgorithm(k.algorithm)} ${what} cannot be exported as ${format} (use PKCS8 or Raw)`,
  );
}

export function privateKeyMaterial(k: PqcKey, format: string): Uint8Array {
  if (!k.secretKey) fail("Key_Value_Not_Present", "the post-quantum private key has no key material");
  if (format === "Raw") return k.secretKey;
  if (format === "PKCS8") return der.privateKeyToPkcs8(k.algorithm, k.secretKey, k.seed);
  return noFormat(k, format, "private key");
}

export function publicKeyMaterial(k: PqcKey, format: string): Uint8Array {
  const pk = publicOf(k);
  if (format === "Raw") return pk;
  if (format === "PKCS8" || format === "X509") return der.publicKeyToSpki(k.algorithm, pk);
  return noFormat(k, format, "public key");
}
