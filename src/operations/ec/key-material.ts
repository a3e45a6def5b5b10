/**
 * Elliptic-curve keys in and out of KMIP key blocks (KMIP 2.1 §2.1.7 key formats,
 * as the Cosmian KMS and cloudproof_kms_js 4.0.0 use them).
 *
 * Stored forms we read (any of them, whatever created the key):
 *   TransparentECPrivateKey {RecommendedCurve, D}       D = big integer (see `dToBytes`)
 *   TransparentECPublicKey  {RecommendedCurve, QString}  what CreateKeyPair stores, as Cosmian does
 *   PKCS8          private: PKCS#8 DER;  public: SubjectPublicKeyInfo DER (Cosmian's use of PKCS8
 *                  for public keys; KMIP has no separate SPKI format)
 *   X509           public: SubjectPublicKeyInfo DER (KMIP 1.x meaning of X.509 for public keys)
 *   ECPrivateKey   SEC1 / RFC 5915 DER; PKCS#8 is accepted under this label too, because the JS
 *                  client's importPrivateKey labels everything ECPrivateKey
 *   Raw            raw key bytes; the curve comes from CryptographicDomainParameters.RecommendedCurve
 * KeyMaterial may be the bytes themselves or `{ByteString}` (the JS client's import form).
 *
 * D: the KMS builds it from the raw private key bytes read big-endian (X25519, Ed25519 / Ed448 seed,
 * NIST / secp256k1 d), so the bytes come back by left-padding to the curve's length. Ristretto255 (ours only) stores
 * the scalar's value, whose bytes are little-endian.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import * as formats from "../../crypto/key-formats/pkcs8-spki.ts";
import * as ristretto from "../../crypto/ecies/ristretto.ts";
import { CURVES, isWeierstrass, keyTypeOfCurve, publicKeyOf, reencodePublicKey, type EcKeyType } from "./curves.ts";

export interface EcKey {
  type: EcKeyType;
  /** Raw private key (absent for public keys). */
  privateKey?: Uint8Array;
  /** Raw public key (NIST: uncompressed SEC1); absent on private keys until `publicOf`. */
  publicKey?: Uint8Array;
}

/** The raw public key of `k`, derived from the private key when needed. NIST: uncompressed. */
export function publicOf(k: EcKey): Uint8Array {
  if (k.publicKey) return k.publicKey;
  if (!k.privateKey) fail("Key_Value_Not_Present", "the EC key has no key material");
  k.publicKey = publicKeyOf(k.type, k.privateKey, true);
  return k.publicKey;
}

const ALGORITHM_TO_TYPE: Partial<Record<formats.KeyAlgorithm, EcKeyType>> = {
  X25519: "X25519",
  Ed25519: "Ed25519",
  "P-256": "P-256",
  "P-384": "P-384",
  "P-521": "P-521",
  secp256k1: "secp256k1",
  Ed448: "Ed448",
};

export function dToBytes(type: EcKeyType, d: bigint): Uint8Array {
  const length = CURVES[type].privateLength;
  if (d < 0n || d >= 1n << BigInt(8 * length)) fail("Invalid_Field", `the ${type} private key D is out of range`);
  const out = new Uint8Array(length);
  let v = d;
  for (let i = 0; i < length; i++) {
    out[type === "Ristretto255" ? i : length - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToD(type: EcKeyType, bytes: Uint8Array): bigint {
  let d = 0n;
  const ordered = type === "Ristretto255" ? [...bytes].reverse() : [...bytes];
  for (const b of ordered) d = (d << 8n) | BigInt(b);
  return d;
}

/** The DER/raw bytes of KeyMaterial given as bytes or `{ByteString}` / `{Key}`; undefined otherwise. */
function materialBytes(material: unknown): Uint8Array | undefined {
  if (material instanceof Uint8Array) return material;
  if (material && typeof material === "object") {
    const m = material as KmipRecord;
    if (m.ByteString instanceof Uint8Array) return m.ByteString;
    if (m.Key instanceof Uint8Array) return m.Key;
  }
  return undefined;
}

/** The curve named by an object's attributes (domain parameters, or the Ed25519 algorithm). */
export function curveOfAttributes(attrs: Attributes | undefined, kb?: KeyBlock): EcKeyType | undefined {
  const curve = (attrs?.CryptographicDomainParameters as KmipRecord | undefined)?.RecommendedCurve;
  const byCurve = keyTypeOfCurve(typeof curve === "string" ? curve : undefined);
  if (byCurve) return byCurve;
  const algorithm = kb?.CryptographicAlgorithm ?? attrs?.CryptographicAlgorithm;
  return algorithm === "Ed25519" || algorithm === "Ed448" ? algorithm : undefined;
}

function fromParsed(
  algorithm: formats.KeyAlgorithm,
  privateKey: Uint8Array | undefined,
  publicKey: Uint8Array | undefined,
): EcKey | undefined {
  const type = ALGORITHM_TO_TYPE[algorithm];
  if (!type) return undefined; // X448: stored, but not served
  return { type, ...(privateKey ? { privateKey } : {}), ...(publicKey ? { publicKey } : {}) };
}

function unsupportedFormat(e: unknown): boolean {
  return e instanceof formats.KeyFormatError && e.code === "UNSUPPORTED";
}

/**
 * Reads the EC key held by a key block. Returns undefined when the block is not an EC key of a
 * type we serve (other algorithms, other formats, wrapped keys); throws KmipError Invalid_Field
 * when it is one but its bytes are malformed.
 */
export function readEcKey(kb: KeyBlock | undefined, isPrivate: boolean, attrs?: Attributes): EcKey | undefined {
  if (!kb?.KeyValue || kb.KeyValue instanceof Uint8Array || kb.KeyWrappingData) return undefined;
  const material = (kb.KeyValue as KeyValue).KeyMaterial;
  try {
    switch (kb.KeyFormatType) {
      case "TransparentECPrivateKey":
      case "TransparentECPublicKey": {
        const m = material as KmipRecord;
        const type = keyTypeOfCurve(typeof m?.RecommendedCurve === "string" ? m.RecommendedCurve : undefined);
        if (!type) return undefined;
        if (kb.KeyFormatType === "TransparentECPrivateKey") {
          const d = typeof m.D === "bigint" ? m.D : typeof m.D === "number" ? BigInt(m.D) : undefined;
          if (d === undefined) fail("Invalid_Field", "TransparentECPrivateKey: D is missing");
          return { type, privateKey: dToBytes(type, d) };
        }
        if (!(m.QString instanceof Uint8Array)) fail("Invalid_Field", "TransparentECPublicKey: QString is missing");
        return { type, publicKey: validPublic(type, m.QString) };
      }
      case "PKCS8":
      case "X509":
      case "ECPrivateKey": {
        const der = materialBytes(material);
        if (!der) return undefined;
        if (!isPrivate) {
          if (kb.KeyFormatType === "ECPrivateKey") return undefined;
          const p = formats.publicKeyFromSpki(der);
          return fromParsed(p.algorithm, undefined, p.publicKey);
        }
        if (kb.KeyFormatType === "X509") return undefined;
        let p: formats.ParsedPrivateKey;
        if (kb.KeyFormatType === "ECPrivateKey") {
          try {
            p = formats.ecPrivateKeyFromSec1(der);
          } catch (e) {
            if (!(e instanceof formats.KeyFormatError) || e.code !== "MALFORMED") throw e;
            p = formats.privateKeyFromPkcs8(der); // PKCS#8 under the ECPrivateKey label
          }
        } else p = formats.privateKeyFromPkcs8(der);
        return fromParsed(p.algorithm, p.privateKey, p.publicKey);
      }
      case "Raw": {
        const type = curveOfAttributes(attrs, kb);
        const raw = materialBytes(material);
        if (!type || !raw) return undefined;
        if (isPrivate) {
          if (raw.length !== CURVES[type].privateLength)
            fail(
              "Invalid_Field",
              `a raw ${type} private key must be ${CURVES[type].privateLength} bytes, got ${raw.length}`,
            );
          publicKeyOf(type, raw); // validates the scalar
          return { type, privateKey: raw.slice() }; // a copy: callers wipe it after use
        }
        return { type, publicKey: validPublic(type, raw) };
      }
      default:
        return undefined;
    }
  } catch (e) {
    if (unsupportedFormat(e)) return undefined;
    if (e instanceof KmipError) throw e;
    throw new KmipError("Invalid_Field", `invalid ${kb.KeyFormatType} EC key: ${(e as Error).message}`, "client", {
      cause: e,
    });
  }
}

function validPublic(type: EcKeyType, publicKey: Uint8Array): Uint8Array {
  if (isWeierstrass(type)) return reencodePublicKey(type, publicKey, false);
  const length = type === "Ed448" ? 57 : 32;
  if (publicKey.length !== length)
    throw new RangeError(`a ${type} public key must be ${length} bytes, got ${publicKey.length}`);
  if (type === "Ristretto255") ristretto.assertValidPublicKey(publicKey);
  return publicKey;
}

/** The EC key of a stored object (private/public key), or undefined when it is not one we serve. */
export function ecKeyOfObject(o: StoredObject): EcKey | undefined {
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  return readEcKey(o.object.KeyBlock as KeyBlock | undefined, o.objectType === "PrivateKey", o.attributes);
}

/** Like ecKeyOfObject, but never throws (for `handles` checks). */
export function tryEcKeyOfObject(o: StoredObject): EcKey | undefined {
  try {
    return ecKeyOfObject(o);
  } catch {
    return undefined;
  }
}

// ---- writing ----

function noFormat(type: EcKeyType, format: string, what: string): never {
  throw new KmipError("Key_Format_Type_Not_Supported", `a ${type} ${what} cannot be exported as ${format}`);
}

/** KeyMaterial of a private key in `format`. */
export function privateKeyMaterial(k: EcKey, format: string): Uint8Array | KmipRecord {
  const sk = k.privateKey;
  if (!sk) fail("Key_Value_Not_Present", "the EC private key has no key material");
  switch (format) {
    case "Raw":
      return sk;
    case "TransparentECPrivateKey":
      return { RecommendedCurve: CURVES[k.type].curve, D: bytesToD(k.type, sk) };
    case "PKCS8":
      if (k.type === "Ristretto255") noFormat(k.type, format, "private key");
      return formats.privateKeyToPkcs8(k.type, sk);
    case "ECPrivateKey":
      if (!isWeierstrass(k.type))
        noFormat(k.type, format, "private key (SEC1 is for NIST curves and secp256k1; use PKCS8)");
      return formats.ecPrivateKeyToSec1(k.type, sk);
    default:
      return noFormat(k.type, format, "private key");
  }
}

/** KeyMaterial of a public key in `format`. */
export function publicKeyMaterial(k: EcKey, format: string): Uint8Array | KmipRecord {
  const pk = publicOf(k);
  switch (format) {
    case "Raw":
      return pk; // NIST: uncompressed SEC1 point
    case "TransparentECPublicKey":
      return { RecommendedCurve: CURVES[k.type].curve, QString: reencodePublicKey(k.type, pk, true) };
    case "PKCS8":
    case "X509":
      if (k.type === "Ristretto255") noFormat(k.type, format, "public key");
      return formats.publicKeyToSpki(k.type, pk);
    default:
      return noFormat(k.type, format, "public key");
  }
}
