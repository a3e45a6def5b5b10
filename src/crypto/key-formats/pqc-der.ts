/**
 * PKCS#8 (RFC 5958 OneAsymmetricKey) and SubjectPublicKeyInfo (RFC 5280) DER for the post-quantum
 * keys of ../pqc.ts, as OpenSSL 3.5+ (and so the Cosmian KMS, which stores PQC keys as PKCS#8 /
 * SPKI DER) writes and reads them:
 *   OIDs           ML-DSA-44/65/87 2.16.840.1.101.3.4.3.17..19, SLH-DSA 2.16.840.1.101.3.4.3.20..31
 *                  (SHA2 128s,128f,192s,192f,256s,256f then SHAKE likewise), ML-KEM-512/768/1024
 *                  2.16.840.1.101.3.4.4.1..3; AlgorithmIdentifier without parameters.
 *   SPKI           subjectPublicKey = the raw public key (FIPS 203 ek / 204 pk / 205 PK).
 *   ML-DSA/ML-KEM  privateKey OCTET STRING holds the RFC 9881 / RFC 9935 CHOICE:
 *                    seed [0] IMPLICIT OCTET STRING | expandedKey OCTET STRING |
 *                    both SEQUENCE { seed, expandedKey }
 *                  We write `both` (OpenSSL's default output); we read all three, and check that
 *                  a `both` key's expanded key is the one its seed gives (as OpenSSL does).
 *   SLH-DSA        privateKey OCTET STRING holds the raw 4n-byte key (RFC 9909).
 */
import * as pqc from "../pqc.ts";
import { equalBytes } from "../bytes.ts";
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

const SEED_TAG = 0x80; // [0] IMPLICIT OCTET STRING

const NIST_ALGS = Uint8Array.of(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04); // 2.16.840.1.101.3.4
const OID_ARC: Record<pqc.PqcAlgorithm, [number, number]> = {
  "ML-DSA-44": [3, 17],
  "ML-DSA-65": [3, 18],
  "ML-DSA-87": [3, 19],
  "SLH-DSA-SHA2-128s": [3, 20],
  "SLH-DSA-SHA2-128f": [3, 21],
  "SLH-DSA-SHA2-192s": [3, 22],
  "SLH-DSA-SHA2-192f": [3, 23],
  "SLH-DSA-SHA2-256s": [3, 24],
  "SLH-DSA-SHA2-256f": [3, 25],
  "SLH-DSA-SHAKE-128s": [3, 26],
  "SLH-DSA-SHAKE-128f": [3, 27],
  "SLH-DSA-SHAKE-192s": [3, 28],
  "SLH-DSA-SHAKE-192f": [3, 29],
  "SLH-DSA-SHAKE-256s": [3, 30],
  "SLH-DSA-SHAKE-256f": [3, 31],
  "ML-KEM-512": [4, 1],
  "ML-KEM-768": [4, 2],
  "ML-KEM-1024": [4, 3],
};

const oidOf = (a: pqc.PqcAlgorithm) => Uint8Array.of(...NIST_ALGS, ...OID_ARC[a]);

export class PqcDerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PqcDerError";
  }
}

function algorithmOfOid(oid: Uint8Array): pqc.PqcAlgorithm | undefined {
  return pqc.ALGORITHMS.find((a) => equalBytes(oidOf(a), oid));
}

function algorithmIdentifier(a: pqc.PqcAlgorithm): Uint8Array {
  return encode(TAG.SEQUENCE, encode(TAG.OID, oidOf(a)));
}

/** The post-quantum algorithm of an AlgorithmIdentifier, or undefined for other algorithms. */
function parseAlgorithmIdentifier(value: Uint8Array): pqc.PqcAlgorithm | undefined {
  const [oid, ...rest] = readAll(value);
  if (oid?.tag !== TAG.OID) throw new DerError("bad AlgorithmIdentifier");
  const a = algorithmOfOid(oid.value);
  if (a && rest.length > 0) throw new DerError(`${a} AlgorithmIdentifier must have no parameters`);
  return a;
}

function guard<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DerError) throw new PqcDerError(`${what}: ${e.message}`);
    throw e;
  }
}

/** The algorithm named by a PKCS#8 or SPKI DER, or undefined when it is not a post-quantum key (or not DER). */
export function algorithmOf(der: Uint8Array): pqc.PqcAlgorithm | undefined {
  try {
    const fields = readAll(readOne(der, TAG.SEQUENCE, "SEQUENCE"));
    const algId = fields[0]?.tag === TAG.INTEGER ? fields[1] : fields[0];
    return algId?.tag === TAG.SEQUENCE ? parseAlgorithmIdentifier(algId.value) : undefined;
  } catch {
    return undefined;
  }
}

// ---- SubjectPublicKeyInfo ----

export function publicKeyToSpki(a: pqc.PqcAlgorithm, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== pqc.lengths(a).publicKey)
    throw new RangeError(`${a} public key must be ${pqc.lengths(a).publicKey} bytes`);
  return encode(TAG.SEQUENCE, algorithmIdentifier(a), encodeBitString(publicKey));
}

export function publicKeyFromSpki(der: Uint8Array): { algorithm: pqc.PqcAlgorithm; publicKey: Uint8Array } {
  return guard("SubjectPublicKeyInfo", () => {
    const [algId, bits, ...rest] = readAll(readOne(der, TAG.SEQUENCE, "SubjectPublicKeyInfo SEQUENCE"));
    if (algId?.tag !== TAG.SEQUENCE || bits?.tag !== TAG.BIT_STRING || rest.length > 0)
      throw new DerError("SubjectPublicKeyInfo fields");
    const algorithm = parseAlgorithmIdentifier(algId.value);
    if (!algorithm) throw new PqcDerError("SubjectPublicKeyInfo: not a post-quantum key");
    const publicKey = bitStringBytes(bits.value, "subjectPublicKey");
    if (publicKey.length !== pqc.lengths(algorithm).publicKey)
      throw new PqcDerError(
        `${algorithm} public key must be ${pqc.lengths(algorithm).publicKey} bytes, got ${publicKey.length}`,
      );
    return { algorithm, publicKey: publicKey.slice() };
  });
}

// ---- PKCS#8 ----

export interface PqcPrivateKey {
  algorithm: pqc.PqcAlgorithm;
  /** The standard's secret key (ML-KEM dk, ML-DSA expanded sk, SLH-DSA 4n bytes). */
  secretKey: Uint8Array;
  /** ML-KEM / ML-DSA seed, when the encoding carries it. */
  seed?: Uint8Array;
}

/**
 * PKCS#8 DER of a private key. ML-KEM / ML-DSA: the `both` form when `seed` is given, else
 * `expandedKey`. SLH-DSA: the raw key (`seed` is not used).
 */
export function privateKeyToPkcs8(a: pqc.PqcAlgorithm, secretKey: Uint8Array, seed?: Uint8Array): Uint8Array {
  const l = pqc.lengths(a);
  if (secretKey.length !== l.secretKey) throw new RangeError(`${a} secret key must be ${l.secretKey} bytes`);
  let inner: Uint8Array;
  if (pqc.isSlhDsa(a)) inner = secretKey;
  else if (seed) {
    if (seed.length !== l.seed) throw new RangeError(`${a} seed must be ${l.seed} bytes`);
    inner = encode(TAG.SEQUENCE, encode(TAG.OCTET_STRING, seed), encode(TAG.OCTET_STRING, secretKey));
  } else inner = encode(TAG.OCTET_STRING, secretKey);
  return encode(TAG.SEQUENCE, encodeSmallInteger(0), algorithmIdentifier(a), encode(TAG.OCTET_STRING, inner));
}

function expandSeed(a: pqc.PqcAlgorithm, seed: Uint8Array): Uint8Array {
  if (seed.length !== pqc.lengths(a).seed)
    throw new PqcDerError(`${a} seed must be ${pqc.lengths(a).seed} bytes, got ${seed.length}`);
  return pqc.keyPairFromSeed(a, seed).secretKey;
}

function checkSecretLength(a: pqc.PqcAlgorithm, secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== pqc.lengths(a).secretKey)
    throw new PqcDerError(`${a} secret key must be ${pqc.lengths(a).secretKey} bytes, got ${secretKey.length}`);
  return secretKey.slice();
}

export function privateKeyFromPkcs8(der: Uint8Array): PqcPrivateKey {
  return guard("PKCS#8", () => {
    const [version, algId, key] = readAll(readOne(der, TAG.SEQUENCE, "PrivateKeyInfo SEQUENCE"));
    if (version?.tag !== TAG.INTEGER || smallIntegerValue(version.value, "version") > 1)
      throw new DerError("PrivateKeyInfo version");
    if (algId?.tag !== TAG.SEQUENCE || key?.tag !== TAG.OCTET_STRING) throw new DerError("PrivateKeyInfo fields");
    const algorithm = parseAlgorithmIdentifier(algId.value);
    if (!algorithm) throw new PqcDerError("PKCS#8: not a post-quantum key");
    if (pqc.isSlhDsa(algorithm)) {
      // RFC 9909 puts the raw key in privateKey; early encoders wrapped it in one more OCTET STRING.
      const raw =
        key.value.length === pqc.lengths(algorithm).secretKey
          ? key.value
          : readOne(key.value, TAG.OCTET_STRING, "SLH-DSA private key");
      return { algorithm, secretKey: checkSecretLength(algorithm, raw) };
    }
    const [choice, ...rest] = readAll(key.value);
    if (!choice || rest.length > 0) throw new DerError("private key CHOICE");
    if (choice.tag === SEED_TAG)
      return { algorithm, seed: choice.value.slice(), secretKey: expandSeed(algorithm, choice.value) };
    if (choice.tag === TAG.OCTET_STRING) return { algorithm, secretKey: checkSecretLength(algorithm, choice.value) };
    if (choice.tag !== TAG.SEQUENCE) throw new DerError("private key CHOICE");
    const [seed, expanded, ...more] = readAll(choice.value);
    if (seed?.tag !== TAG.OCTET_STRING || expanded?.tag !== TAG.OCTET_STRING || more.length > 0)
      throw new DerError("private key `both` SEQUENCE");
    const secretKey = checkSecretLength(algorithm, expanded.value);
    if (!equalBytes(expandSeed(algorithm, seed.value), secretKey))
      throw new PqcDerError(`${algorithm}: the expanded private key does not match its seed`);
    return { algorithm, seed: seed.value.slice(), secretKey };
  });
}
