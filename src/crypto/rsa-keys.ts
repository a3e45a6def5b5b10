/**
 * RSA keys (RFC 8017 §3; KMIP 2.1 TransparentRSA* key material fields): generation, the
 * big-endian components the KMS stores, PKCS#1 / PKCS#8 / SubjectPublicKeyInfo DER, and the
 * consistency check of imported private keys. Parsing, encoding and generation are node:crypto's.
 * Re-exported by rsa.ts, which the rest of the code imports.
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface RsaPublicKey {
  n: Uint8Array;
  e: Uint8Array;
}
export interface RsaPrivateKey extends RsaPublicKey {
  d: Uint8Array;
  p: Uint8Array;
  q: Uint8Array;
  dp: Uint8Array;
  dq: Uint8Array;
  qi: Uint8Array;
}

export type RsaErrorCode = "INVALID_KEY" | "DECRYPTION_FAILED" | "UNSUPPORTED";
export class RsaError extends Error {
  readonly code: RsaErrorCode;
  constructor(code: RsaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RsaError";
    this.code = code;
  }
}

export const MIN_BITS = 2048;
export const MAX_BITS = 8192;

// ---- keys ----

const b64u = (b: Uint8Array) => Buffer.from(stripZeros(b)).toString("base64url");
const fromB64u = (s: string | undefined) => new Uint8Array(Buffer.from(s ?? "", "base64url"));

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** A new key pair of `bits` bits (2048..8192, multiple of 8), public exponent 65537. */
export function generate(bits: number): RsaPrivateKey {
  if (!Number.isInteger(bits) || bits < MIN_BITS || bits > MAX_BITS || bits % 8 !== 0) {
    throw new RangeError(`RSA key size must be a multiple of 8 between ${MIN_BITS} and ${MAX_BITS} bits, got ${bits}`);
  }
  return fromKeyObject(generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 }).privateKey);
}

function fromKeyObject(k: KeyObject): RsaPrivateKey {
  const j = k.export({ format: "jwk" });
  return {
    n: fromB64u(j.n),
    e: fromB64u(j.e),
    d: fromB64u(j.d),
    p: fromB64u(j.p),
    q: fromB64u(j.q),
    dp: fromB64u(j.dp),
    dq: fromB64u(j.dq),
    qi: fromB64u(j.qi),
  };
}

function publicFromKeyObject(k: KeyObject): RsaPublicKey {
  const j = k.export({ format: "jwk" });
  return { n: fromB64u(j.n), e: fromB64u(j.e) };
}

function invalidKey(what: string, e: unknown): RsaError {
  return new RsaError("INVALID_KEY", `invalid RSA ${what}`, { cause: e });
}

function checkKeyObject(k: KeyObject, what: string): KeyObject {
  if (k.asymmetricKeyType !== "rsa")
    throw new RsaError("INVALID_KEY", `the ${what} is not an RSA key (${k.asymmetricKeyType})`);
  const bits = k.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 512 || bits > 16384) throw new RsaError("INVALID_KEY", `unsupported RSA modulus size ${bits}`);
  return k;
}

export function privateKeyObject(k: RsaPrivateKey): KeyObject {
  try {
    const jwk = {
      kty: "RSA",
      n: b64u(k.n),
      e: b64u(k.e),
      d: b64u(k.d),
      p: b64u(k.p),
      q: b64u(k.q),
      dp: b64u(k.dp),
      dq: b64u(k.dq),
      qi: b64u(k.qi),
    };
    return checkKeyObject(createPrivateKey({ key: jwk, format: "jwk" }), "private key");
  } catch (e) {
    throw e instanceof RsaError ? e : invalidKey("private key", e);
  }
}

export function publicKeyObject(k: RsaPublicKey): KeyObject {
  try {
    return checkKeyObject(
      createPublicKey({ key: { kty: "RSA", n: b64u(k.n), e: b64u(k.e) }, format: "jwk" }),
      "public key",
    );
  } catch (e) {
    throw e instanceof RsaError ? e : invalidKey("public key", e);
  }
}

/**
 * Checks the components form a consistent key (RFC 8017 §3.2): n = p·q, e·d ≡ 1 mod (p-1) and
 * (q-1), dP = d mod (p-1), dQ = d mod (q-1), qInv·q ≡ 1 mod p. OpenSSL would silently fall back
 * to d when the CRT values are wrong (Node) or fail (BoringSSL); we refuse such keys up front.
 * Primality is not tested.
 */
export function validatePrivateKey(k: RsaPrivateKey): void {
  privateKeyObject(k); // parsable at all
  const [n, e, d, p, q, dp, dq, qi] = [k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map(toBigInt);
  const ok =
    p > 1n &&
    q > 1n &&
    n === p * q &&
    (e * d) % (p - 1n) === 1n &&
    (e * d) % (q - 1n) === 1n &&
    dp === d % (p - 1n) &&
    dq === d % (q - 1n) &&
    (qi * q) % p === 1n;
  if (!ok) throw new RsaError("INVALID_KEY", "invalid RSA private key: inconsistent components");
}

function toBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString("hex")}`);
}

export function publicOf(k: RsaPrivateKey | RsaPublicKey): RsaPublicKey {
  return { n: stripZeros(k.n).slice(), e: stripZeros(k.e).slice() };
}

export function modulusBits(k: RsaPublicKey): number {
  const n = stripZeros(k.n);
  return n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]));
}

export function privateKeyFromPkcs1(der: Uint8Array): RsaPrivateKey {
  return parsePrivate(der, "pkcs1");
}
export function privateKeyFromPkcs8(der: Uint8Array): RsaPrivateKey {
  return parsePrivate(der, "pkcs8");
}
function parsePrivate(der: Uint8Array, type: "pkcs1" | "pkcs8"): RsaPrivateKey {
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: Buffer.from(der), format: "der", type });
  } catch (e) {
    throw invalidKey(type === "pkcs1" ? "PKCS#1 private key" : "PKCS#8 private key", e);
  }
  return fromKeyObject(checkKeyObject(k, "private key"));
}

export function publicKeyFromSpki(der: Uint8Array): RsaPublicKey {
  return parsePublic(der, "spki");
}
export function publicKeyFromPkcs1(der: Uint8Array): RsaPublicKey {
  return parsePublic(der, "pkcs1");
}
function parsePublic(der: Uint8Array, type: "pkcs1" | "spki"): RsaPublicKey {
  let k: KeyObject;
  try {
    k = createPublicKey({ key: Buffer.from(der), format: "der", type });
  } catch (e) {
    throw invalidKey(type === "spki" ? "SubjectPublicKeyInfo" : "PKCS#1 public key", e);
  }
  return publicFromKeyObject(checkKeyObject(k, "public key"));
}

export function privateKeyToPkcs1(k: RsaPrivateKey): Uint8Array {
  return new Uint8Array(privateKeyObject(k).export({ format: "der", type: "pkcs1" }));
}
export function privateKeyToPkcs8(k: RsaPrivateKey): Uint8Array {
  return new Uint8Array(privateKeyObject(k).export({ format: "der", type: "pkcs8" }));
}
export function publicKeyToSpki(k: RsaPublicKey): Uint8Array {
  return new Uint8Array(publicKeyObject(k).export({ format: "der", type: "spki" }));
}
export function publicKeyToPkcs1(k: RsaPublicKey): Uint8Array {
  return new Uint8Array(publicKeyObject(k).export({ format: "der", type: "pkcs1" }));
}
