/**
 * Raw ⇄ DER conversions for the asymmetric keys the KMS stores and exports: PKCS#8 private keys
 * (RFC 5208 / RFC 5958 OneAsymmetricKey), SubjectPublicKeyInfo public keys (RFC 5280), and the SEC1
 * ECPrivateKey (RFC 5915, KMIP KeyFormatType ECPrivateKey). Used by the ECIES modules' callers
 * (the Cosmian KMS holds X25519 / Ed25519 / P-curve keys as OpenSSL PKeys).
 *
 * Raw forms
 *   X25519, Ed25519  32 bytes;  X448  56 bytes;  Ed448  57 bytes            (RFC 7748 / 8032 / 8410)
 *   P-256/384/521, secp256k1
 *                    private: big-endian d, 32 / 48 / 66 / 32 bytes;
 *                    public: SEC1 point; always returned uncompressed (04 ‖ x ‖ y),
 *                    compressed input is accepted and validated on the curve.
 *
 * Encodings produced are byte-identical to node:crypto / OpenSSL 3 `export({format:"der"})`:
 *   OKP PKCS#8: version 0, AlgorithmIdentifier without parameters, CurvePrivateKey, no public key.
 *   EC  PKCS#8: version 0, {id-ecPublicKey, namedCurve}, ECPrivateKey{1, d, [1] Q} (no [0] params).
 *   EC  SEC1:   ECPrivateKey{1, d, [0] namedCurve, [1] Q}.
 * The parsers also accept what other encoders write: PKCS#8 v2 with a [1] public key, EC keys with
 * or without [0]/[1], d with leading zeros stripped, attributes [0] (ignored). They reject
 * everything else (BER, trailing data, unknown OIDs, explicit curve parameters).
 */
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  bitStringBytes,
  DerError,
  encode,
  encodeBitString,
  encodeSmallInteger,
  readAll,
  readOne,
  smallIntegerValue,
  TAG,
} from "./der.ts";

export type OkpAlgorithm = "X25519" | "Ed25519" | "X448" | "Ed448";
export type EcCurve = "P-256" | "P-384" | "P-521" | "secp256k1";
export type KeyAlgorithm = OkpAlgorithm | EcCurve;
export const ALGORITHMS: readonly KeyAlgorithm[] = [
  "X25519",
  "Ed25519",
  "X448",
  "Ed448",
  "P-256",
  "P-384",
  "P-521",
  "secp256k1",
];

export type KeyFormatErrorCode = "MALFORMED" | "UNSUPPORTED" | "INVALID_KEY";
export class KeyFormatError extends Error {
  readonly code: KeyFormatErrorCode;
  constructor(code: KeyFormatErrorCode, message: string) {
    super(message);
    this.name = "KeyFormatError";
    this.code = code;
  }
}

export interface ParsedPrivateKey {
  algorithm: KeyAlgorithm;
  privateKey: Uint8Array;
  /** Present when the encoding carries it (EC [1] publicKey, PKCS#8 v2 publicKey). EC: uncompressed. */
  publicKey?: Uint8Array;
}
export interface ParsedPublicKey {
  algorithm: KeyAlgorithm;
  publicKey: Uint8Array;
}

const hexOid = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
const OKP: Record<OkpAlgorithm, { oid: Uint8Array; length: number }> = {
  X25519: { oid: hexOid("2b656e"), length: 32 }, // 1.3.101.110
  X448: { oid: hexOid("2b656f"), length: 56 }, // 1.3.101.111
  Ed25519: { oid: hexOid("2b6570"), length: 32 }, // 1.3.101.112
  Ed448: { oid: hexOid("2b6571"), length: 57 }, // 1.3.101.113
};
const ID_EC_PUBLIC_KEY = hexOid("2a8648ce3d0201"); // 1.2.840.10045.2.1
const EC: Record<EcCurve, { oid: Uint8Array; length: number; ec: typeof p256 }> = {
  "P-256": { oid: hexOid("2a8648ce3d030107"), length: 32, ec: p256 }, // prime256v1
  "P-384": { oid: hexOid("2b81040022"), length: 48, ec: p384 }, // secp384r1
  "P-521": { oid: hexOid("2b81040023"), length: 66, ec: p521 }, // secp521r1
  secp256k1: { oid: hexOid("2b8104000a"), length: 32, ec: secp256k1 as unknown as typeof p256 }, // 1.3.132.0.10 (SEC 2)
};

const isOkp = (a: KeyAlgorithm): a is OkpAlgorithm => Object.hasOwn(OKP, a);
const isEc = (a: KeyAlgorithm): a is EcCurve => a in EC;
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

function okpByOid(oid: Uint8Array): OkpAlgorithm | undefined {
  return (Object.keys(OKP) as OkpAlgorithm[]).find((a) => sameBytes(OKP[a].oid, oid));
}
function ecByOid(oid: Uint8Array): EcCurve | undefined {
  return (Object.keys(EC) as EcCurve[]).find((c) => sameBytes(EC[c].oid, oid));
}
function unsupported(algorithm: string): never {
  throw new KeyFormatError("UNSUPPORTED", `unsupported key algorithm ${algorithm}`);
}
function checkLength(what: string, key: Uint8Array, expected: number): void {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (key.length !== expected)
    throw new KeyFormatError("INVALID_KEY", `${what} must be ${expected} bytes, got ${key.length}`);
}

/** Validates a SEC1 point and returns it uncompressed. */
function ecPoint(curve: EcCurve, point: Uint8Array): Uint8Array {
  try {
    return EC[curve].ec.Point.fromBytes(point).toBytes(false);
  } catch {
    throw new KeyFormatError("INVALID_KEY", `${curve} public key is not a valid point on the curve`);
  }
}
function checkEcScalar(curve: EcCurve, d: Uint8Array): void {
  checkLength(`${curve} private key`, d, EC[curve].length);
  if (!EC[curve].ec.utils.isValidSecretKey(d))
    throw new KeyFormatError("INVALID_KEY", `${curve} private key is not a scalar in [1, n)`);
}

function algorithmIdentifier(algorithm: KeyAlgorithm): Uint8Array {
  if (isOkp(algorithm)) return encode(TAG.SEQUENCE, encode(TAG.OID, OKP[algorithm].oid));
  if (isEc(algorithm))
    return encode(TAG.SEQUENCE, encode(TAG.OID, ID_EC_PUBLIC_KEY), encode(TAG.OID, EC[algorithm].oid));
  return unsupported(String(algorithm));
}

/** Returns the algorithm named by an AlgorithmIdentifier's contents. */
function parseAlgorithmIdentifier(value: Uint8Array): KeyAlgorithm {
  const [oid, params, ...rest] = readAll(value);
  if (oid?.tag !== TAG.OID || rest.length > 0) throw new DerError("bad AlgorithmIdentifier");
  const okp = okpByOid(oid.value);
  if (okp !== undefined) {
    if (params !== undefined) throw new DerError(`${okp} AlgorithmIdentifier must have no parameters (RFC 8410)`);
    return okp;
  }
  if (sameBytes(oid.value, ID_EC_PUBLIC_KEY)) {
    if (params?.tag !== TAG.OID)
      throw new KeyFormatError("UNSUPPORTED", "EC keys must name their curve (explicit parameters are not supported)");
    return ecByOid(params.value) ?? unsupported("EC curve with an unknown OID");
  }
  return unsupported("with an unknown OID");
}

function wrapDer<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DerError) throw new KeyFormatError("MALFORMED", `${what}: ${e.message}`);
    throw e;
  }
}

// ---- SEC1 ECPrivateKey (RFC 5915) ----

function encodeEcPrivateKey(curve: EcCurve, d: Uint8Array, withParameters: boolean): Uint8Array {
  checkEcScalar(curve, d);
  const q = EC[curve].ec.getPublicKey(d, false);
  const params = withParameters ? [encode(TAG.CONTEXT_0, encode(TAG.OID, EC[curve].oid))] : [];
  return encode(
    TAG.SEQUENCE,
    encodeSmallInteger(1),
    encode(TAG.OCTET_STRING, d),
    ...params,
    encode(TAG.CONTEXT_1, encodeBitString(q)),
  );
}

function parseEcPrivateKey(der: Uint8Array, outerCurve: EcCurve | undefined): ParsedPrivateKey {
  const [version, dTlv, ...optional] = readAll(readOne(der, TAG.SEQUENCE, "ECPrivateKey SEQUENCE"));
  if (version?.tag !== TAG.INTEGER || smallIntegerValue(version.value, "ECPrivateKey version") !== 1)
    throw new DerError("ECPrivateKey version must be 1");
  if (dTlv?.tag !== TAG.OCTET_STRING) throw new DerError("ECPrivateKey privateKey");
  let curve = outerCurve;
  let publicKey: Uint8Array | undefined;
  let last = 0;
  for (const t of optional) {
    if (t.tag === TAG.CONTEXT_0 && last < 1) {
      const oid = readOne(t.value, TAG.OID, "ECPrivateKey parameters namedCurve");
      const named = ecByOid(oid) ?? unsupported("EC curve with an unknown OID");
      if (curve !== undefined && curve !== named)
        throw new KeyFormatError("MALFORMED", "ECPrivateKey parameters disagree with the AlgorithmIdentifier");
      curve = named;
      last = 1;
    } else if (t.tag === TAG.CONTEXT_1 && last < 2) {
      publicKey = bitStringBytes(readOne(t.value, TAG.BIT_STRING, "ECPrivateKey publicKey"), "ECPrivateKey publicKey");
      last = 2;
    } else throw new DerError("unexpected field in ECPrivateKey");
  }
  if (curve === undefined) throw new KeyFormatError("MALFORMED", "ECPrivateKey does not name its curve");
  const { length, ec } = EC[curve];
  if (dTlv.value.length > length)
    throw new KeyFormatError("INVALID_KEY", `${curve} private key longer than ${length} bytes`);
  const d = new Uint8Array(length);
  d.set(dTlv.value, length - dTlv.value.length); // some encoders strip leading zeros
  checkEcScalar(curve, d);
  if (publicKey !== undefined) {
    publicKey = ecPoint(curve, publicKey);
    if (!sameBytes(publicKey, ec.getPublicKey(d, false)))
      throw new KeyFormatError("INVALID_KEY", `${curve} public key does not match the private key`);
  }
  return { algorithm: curve, privateKey: d, ...(publicKey ? { publicKey } : {}) };
}

/** SEC1 / RFC 5915 ECPrivateKey DER (with [0] curve and [1] public key, as OpenSSL writes it). */
export function ecPrivateKeyToSec1(curve: EcCurve, privateKey: Uint8Array): Uint8Array {
  if (!isEc(curve)) unsupported(String(curve));
  return encodeEcPrivateKey(curve, privateKey, true);
}

/** Parses a SEC1 / RFC 5915 ECPrivateKey; it must name its curve in [0]. */
export function ecPrivateKeyFromSec1(der: Uint8Array): ParsedPrivateKey {
  return wrapDer("ECPrivateKey", () => parseEcPrivateKey(der, undefined));
}

// ---- PKCS#8 ----

/** PKCS#8 PrivateKeyInfo DER of a raw private key (byte-identical to node:crypto's export). */
export function privateKeyToPkcs8(algorithm: KeyAlgorithm, privateKey: Uint8Array): Uint8Array {
  let inner: Uint8Array;
  if (isOkp(algorithm)) {
    checkLength(`${algorithm} private key`, privateKey, OKP[algorithm].length);
    inner = encode(TAG.OCTET_STRING, privateKey); // CurvePrivateKey ::= OCTET STRING
  } else if (isEc(algorithm)) {
    inner = encodeEcPrivateKey(algorithm, privateKey, false);
  } else return unsupported(String(algorithm));
  return encode(TAG.SEQUENCE, encodeSmallInteger(0), algorithmIdentifier(algorithm), encode(TAG.OCTET_STRING, inner));
}

/** Parses PKCS#8 v1 (RFC 5208) or v2 OneAsymmetricKey (RFC 5958). */
export function privateKeyFromPkcs8(der: Uint8Array): ParsedPrivateKey {
  return wrapDer("PKCS#8", () => {
    const [version, algId, key, ...optional] = readAll(readOne(der, TAG.SEQUENCE, "PrivateKeyInfo SEQUENCE"));
    if (version?.tag !== TAG.INTEGER) throw new DerError("PrivateKeyInfo version");
    const v = smallIntegerValue(version.value, "PrivateKeyInfo version");
    if (v > 1) throw new DerError(`unknown PrivateKeyInfo version ${v}`);
    if (algId?.tag !== TAG.SEQUENCE || key?.tag !== TAG.OCTET_STRING) throw new DerError("PrivateKeyInfo fields");
    const algorithm = parseAlgorithmIdentifier(algId.value);
    let publicKey: Uint8Array | undefined;
    let last = 0;
    for (const t of optional) {
      if (t.tag === TAG.CONTEXT_0 && last < 1)
        last = 1; // attributes: ignored
      else if (t.tag === TAG.CONTEXT_1_PRIMITIVE && v === 1 && last < 2) {
        publicKey = bitStringBytes(t.value, "OneAsymmetricKey publicKey");
        last = 2;
      } else throw new DerError("unexpected field in PrivateKeyInfo");
    }
    if (isEc(algorithm)) {
      const parsed = parseEcPrivateKey(key.value, algorithm);
      if (
        publicKey !== undefined &&
        !sameBytes(
          ecPoint(algorithm, publicKey),
          parsed.publicKey ?? EC[algorithm].ec.getPublicKey(parsed.privateKey, false),
        )
      ) {
        throw new KeyFormatError("INVALID_KEY", `${algorithm} public key does not match the private key`);
      }
      return parsed.publicKey || !publicKey ? parsed : { ...parsed, publicKey: ecPoint(algorithm, publicKey) };
    }
    const privateKey = readOne(key.value, TAG.OCTET_STRING, "CurvePrivateKey OCTET STRING");
    checkLength(`${algorithm} private key`, privateKey, OKP[algorithm as OkpAlgorithm].length);
    if (publicKey !== undefined)
      checkLength(`${algorithm} public key`, publicKey, OKP[algorithm as OkpAlgorithm].length);
    return { algorithm, privateKey: privateKey.slice(), ...(publicKey ? { publicKey: publicKey.slice() } : {}) };
  });
}

// ---- SubjectPublicKeyInfo ----

/** SubjectPublicKeyInfo DER of a raw public key (EC points are written uncompressed). */
export function publicKeyToSpki(algorithm: KeyAlgorithm, publicKey: Uint8Array): Uint8Array {
  let bits: Uint8Array;
  if (isOkp(algorithm)) {
    checkLength(`${algorithm} public key`, publicKey, OKP[algorithm].length);
    bits = publicKey;
  } else if (isEc(algorithm)) {
    if (!(publicKey instanceof Uint8Array)) throw new TypeError(`${algorithm} public key must be a Uint8Array`);
    bits = ecPoint(algorithm, publicKey);
  } else return unsupported(String(algorithm));
  return encode(TAG.SEQUENCE, algorithmIdentifier(algorithm), encodeBitString(bits));
}

/** Parses a SubjectPublicKeyInfo; EC points are validated and returned uncompressed. */
export function publicKeyFromSpki(der: Uint8Array): ParsedPublicKey {
  return wrapDer("SubjectPublicKeyInfo", () => {
    const [algId, bits, ...rest] = readAll(readOne(der, TAG.SEQUENCE, "SubjectPublicKeyInfo SEQUENCE"));
    if (algId?.tag !== TAG.SEQUENCE || bits?.tag !== TAG.BIT_STRING || rest.length > 0)
      throw new DerError("SubjectPublicKeyInfo fields");
    const algorithm = parseAlgorithmIdentifier(algId.value);
    const key = bitStringBytes(bits.value, "subjectPublicKey");
    if (isEc(algorithm)) return { algorithm, publicKey: ecPoint(algorithm, key) };
    checkLength(`${algorithm} public key`, key, OKP[algorithm as OkpAlgorithm].length);
    return { algorithm, publicKey: key.slice() };
  });
}
