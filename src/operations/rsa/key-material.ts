/**
 * RSA keys in and out of KMIP key blocks (KMIP 2.1 §2.1.7; Cosmian
 * crate/crypto/src/openssl/{private_key,public_key}.rs).
 *
 * Stored forms we read:
 *   TransparentRSAPrivateKey {Modulus, PrivateExponent, PublicExponent, P, Q, PrimeExponentP,
 *                             PrimeExponentQ, CRTCoefficient}   (BigIntegers; what CreateKeyPair stores)
 *   TransparentRSAPublicKey  {Modulus, PublicExponent}
 *   PKCS1          private: RSAPrivateKey DER; public: RSAPublicKey DER
 *   PKCS8          private: PKCS#8 DER; public: SubjectPublicKeyInfo DER (Cosmian's use of PKCS8)
 *   X509           public: SubjectPublicKeyInfo DER
 * KeyMaterial may be the bytes themselves or `{ByteString}` (the JS client's import form). PKCS8 and
 * X509 blocks are RSA when their AlgorithmIdentifier is rsaEncryption. Raw is not an RSA format (the
 * KMS refuses it too).
 */
import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { KmipError, fail } from "../../kmip/error.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import * as rsa from "../../crypto/rsa.ts";
import { RsaError, type RsaPrivateKey, type RsaPublicKey } from "../../crypto/rsa.ts";

/** rsaEncryption, 1.2.840.113549.1.1.1, as DER (OID tag and length included). */
const RSA_OID = Uint8Array.of(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

/** true when a PKCS#8 / SPKI DER names rsaEncryption in its (leading) AlgorithmIdentifier. */
export function isRsaDer(der: Uint8Array): boolean {
  const head = der.subarray(0, 40);
  outer: for (let i = 0; i + RSA_OID.length <= head.length; i++) {
    for (let j = 0; j < RSA_OID.length; j++) if (head[i + j] !== RSA_OID[j]) continue outer;
    return true;
  }
  return false;
}

export const bigintToBytes = (n: bigint): Uint8Array => {
  if (n < 0n) fail("Invalid_Field", "RSA key components must be positive");
  const hex = n.toString(16);
  return new Uint8Array(Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex"));
};
export const bytesToBigint = (b: Uint8Array): bigint =>
  b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString("hex")}`);

function derBytes(material: unknown): Uint8Array | undefined {
  if (material instanceof Uint8Array) return material;
  const m = material as KmipRecord | undefined;
  return m?.ByteString instanceof Uint8Array ? m.ByteString : undefined;
}

function component(m: KmipRecord, field: string, format: string): Uint8Array {
  const v = m[field];
  if (typeof v === "bigint") return bigintToBytes(v);
  if (typeof v === "number") return bigintToBytes(BigInt(v));
  return fail("Invalid_Field", `${format}: ${field} is missing (this server needs every component, CRT ones included)`);
}

export type RsaKey =
  | { privateKey: RsaPrivateKey; publicKey: RsaPublicKey }
  | { privateKey?: undefined; publicKey: RsaPublicKey };

/**
 * The RSA key of a key block, or undefined when the block is not an RSA key (other algorithms,
 * wrapped keys). Throws KmipError Invalid_Field when it is one but malformed.
 */
export function readRsaKey(kb: KeyBlock | undefined, isPrivate: boolean): RsaKey | undefined {
  if (!kb?.KeyValue || kb.KeyValue instanceof Uint8Array || kb.KeyWrappingData) return undefined;
  const material = (kb.KeyValue as KeyValue).KeyMaterial;
  const format = kb.KeyFormatType;
  try {
    switch (format) {
      case "TransparentRSAPrivateKey": {
        const m = material as KmipRecord;
        const privateKey: RsaPrivateKey = {
          n: component(m, "Modulus", format),
          e: component(m, "PublicExponent", format),
          d: component(m, "PrivateExponent", format),
          p: component(m, "P", format),
          q: component(m, "Q", format),
          dp: component(m, "PrimeExponentP", format),
          dq: component(m, "PrimeExponentQ", format),
          qi: component(m, "CRTCoefficient", format),
        };
        return { privateKey, publicKey: rsa.publicOf(privateKey) };
      }
      case "TransparentRSAPublicKey": {
        const m = material as KmipRecord;
        return { publicKey: { n: component(m, "Modulus", format), e: component(m, "PublicExponent", format) } };
      }
      case "PKCS1": {
        const der = derBytes(material);
        if (!der) return undefined;
        if (!isPrivate) return { publicKey: rsa.publicKeyFromPkcs1(der) };
        const privateKey = rsa.privateKeyFromPkcs1(der);
        return { privateKey, publicKey: rsa.publicOf(privateKey) };
      }
      case "PKCS8":
      case "X509": {
        const der = derBytes(material);
        if (!der || !isRsaDer(der)) return undefined;
        if (!isPrivate || format === "X509") return isPrivate ? undefined : { publicKey: rsa.publicKeyFromSpki(der) };
        const privateKey = rsa.privateKeyFromPkcs8(der);
        return { privateKey, publicKey: rsa.publicOf(privateKey) };
      }
      default:
        return undefined;
    }
  } catch (e) {
    if (e instanceof KmipError) throw e;
    throw new KmipError("Invalid_Field", `invalid ${format} RSA key: ${(e as Error).message}`, "client", { cause: e });
  }
}

/** The RSA key of a stored private/public key, or undefined when it is not an RSA key. */
export function rsaKeyOfObject(o: StoredObject): RsaKey | undefined {
  if (o.objectType !== "PrivateKey" && o.objectType !== "PublicKey") return undefined;
  return readRsaKey(o.object.KeyBlock as KeyBlock | undefined, o.objectType === "PrivateKey");
}

/** Like rsaKeyOfObject, but never throws (for `handles` checks). */
export function tryRsaKeyOfObject(o: StoredObject): RsaKey | undefined {
  try {
    return rsaKeyOfObject(o);
  } catch {
    return undefined;
  }
}

/** The RSA public key in a stored certificate, or undefined when it holds another kind of key. */
export function certificateRsaKey(o: StoredObject): RsaPublicKey | undefined {
  const der = o.object.CertificateValue;
  if (o.objectType !== "Certificate" || !(der instanceof Uint8Array)) return undefined;
  try {
    const spki = new Uint8Array(new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }));
    return isRsaDer(spki) ? rsa.publicKeyFromSpki(spki) : undefined;
  } catch {
    return undefined;
  }
}

/** The private RSA key of a private-key object, checked. */
export function privateRsaKey(o: StoredObject): RsaPrivateKey {
  const k = rsaKeyOfObject(o);
  if (!k?.privateKey)
    throw new KmipError("Operation_Not_Supported", `the key ${o.id} is not an RSA private key this server can use`);
  return k.privateKey;
}

/** The public RSA key of a public key, private key (its public half) or certificate. */
export function publicRsaKey(o: StoredObject): RsaPublicKey {
  const k = o.objectType === "Certificate" ? certificateRsaKey(o) : rsaKeyOfObject(o)?.publicKey;
  if (!k)
    throw new KmipError(
      "Operation_Not_Supported",
      `the ${o.objectType} ${o.id} holds no RSA public key this server can use`,
    );
  return k;
}

// ---- writing ----

function noFormat(format: string, what: string): never {
  throw new KmipError(
    "Key_Format_Type_Not_Supported",
    `unsupported key format: an RSA ${what} cannot be exported as ${format} (use PKCS1, PKCS8 or Transparent${what === "private key" ? "RSAPrivateKey" : "RSAPublicKey"})`,
  );
}

/** KeyMaterial of an RSA private key in `format`. */
export function privateKeyMaterial(k: RsaPrivateKey, format: string): Uint8Array | KmipRecord {
  switch (format) {
    case "PKCS1":
      return rsa.privateKeyToPkcs1(k);
    case "PKCS8":
      return rsa.privateKeyToPkcs8(k);
    case "TransparentRSAPrivateKey":
      return {
        Modulus: bytesToBigint(k.n),
        PrivateExponent: bytesToBigint(k.d),
        PublicExponent: bytesToBigint(k.e),
        P: bytesToBigint(k.p),
        Q: bytesToBigint(k.q),
        PrimeExponentP: bytesToBigint(k.dp),
        PrimeExponentQ: bytesToBigint(k.dq),
        CRTCoefficient: bytesToBigint(k.qi),
      };
    default:
      return noFormat(format, "private key");
  }
}

/** KeyMaterial of an RSA public key in `format`. */
export function publicKeyMaterial(k: RsaPublicKey, format: string): Uint8Array | KmipRecord {
  switch (format) {
    case "PKCS1":
      return rsa.publicKeyToPkcs1(k);
    case "PKCS8":
    case "X509":
      return rsa.publicKeyToSpki(k);
    case "TransparentRSAPublicKey":
      return { Modulus: bytesToBigint(k.n), PublicExponent: bytesToBigint(k.e) };
    default:
      return noFormat(format, "public key");
  }
}

/** RsaError -> KmipError (no key material in the messages). */
export function rsaError(op: string, e: unknown): KmipError {
  if (e instanceof KmipError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError) return new KmipError("Invalid_Field", `${op}: ${message}`, "client", { cause: e });
  if (e instanceof RsaError && e.code === "INVALID_KEY")
    return new KmipError("Invalid_Field", `${op}: ${message}`, "client", { cause: e });
  return new KmipError("Cryptographic_Failure", `${op}: CRYPTO: ${message}`, "client", { cause: e });
}
