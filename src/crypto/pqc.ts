/**
 * Post-quantum primitives on @noble/post-quantum (0.7.x, which implements the final standards):
 *   ML-KEM-512/768/1024   FIPS 203 (key encapsulation)
 *   ML-DSA-44/65/87       FIPS 204 (signatures, pure mode, empty or given context)
 *   SLH-DSA-{SHA2,SHAKE}-{128,192,256}{s,f}   FIPS 205 (stateless hash-based signatures, pure mode)
 * Key forms are the standards' own byte strings: ML-KEM dk / ek (FIPS 203 §7.1), ML-DSA sk / pk
 * (FIPS 204 §7.2, the expanded secret key), SLH-DSA SK.seed‖SK.prf‖PK.seed‖PK.root / PK.seed‖PK.root
 * (FIPS 205 §9.1). The seeds (ML-KEM d‖z, 64 bytes; ML-DSA ξ, 32 bytes; SLH-DSA
 * SK.seed‖SK.prf‖PK.seed) are what the DER private key forms keep (key-formats/pqc-der.ts).
 *
 * Signing is hedged (fresh randomness, FIPS 204 §3.4 / FIPS 205 §9.2), as OpenSSL and the Cosmian
 * KMS sign; `deterministic` is for known-answer tests. No I/O, no KMIP: the KMS layer is in
 * src/operations/pqc/.
 */
import { ml_kem512, ml_kem768, ml_kem1024 } from "@noble/post-quantum/ml-kem.js";
import { ml_dsa44, ml_dsa65, ml_dsa87 } from "@noble/post-quantum/ml-dsa.js";
import * as slh from "@noble/post-quantum/slh-dsa.js";
import { randomBytes } from "./random.ts";

export const KEM_ALGORITHMS = ["ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"] as const;
export const ML_DSA_ALGORITHMS = ["ML-DSA-44", "ML-DSA-65", "ML-DSA-87"] as const;
export const SLH_DSA_ALGORITHMS = [
  "SLH-DSA-SHA2-128s",
  "SLH-DSA-SHA2-128f",
  "SLH-DSA-SHA2-192s",
  "SLH-DSA-SHA2-192f",
  "SLH-DSA-SHA2-256s",
  "SLH-DSA-SHA2-256f",
  "SLH-DSA-SHAKE-128s",
  "SLH-DSA-SHAKE-128f",
  "SLH-DSA-SHAKE-192s",
  "SLH-DSA-SHAKE-192f",
  "SLH-DSA-SHAKE-256s",
  "SLH-DSA-SHAKE-256f",
] as const;

export type KemAlgorithm = (typeof KEM_ALGORITHMS)[number];
export type MlDsaAlgorithm = (typeof ML_DSA_ALGORITHMS)[number];
export type SlhDsaAlgorithm = (typeof SLH_DSA_ALGORITHMS)[number];
export type SignatureAlgorithm = MlDsaAlgorithm | SlhDsaAlgorithm;
export type PqcAlgorithm = KemAlgorithm | SignatureAlgorithm;
export const ALGORITHMS: readonly PqcAlgorithm[] = [...KEM_ALGORITHMS, ...ML_DSA_ALGORITHMS, ...SLH_DSA_ALGORITHMS];

/** Thrown for malformed keys, ciphertexts or options (messages carry no key material). */
export class PqcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PqcError";
  }
}

const KEM = { "ML-KEM-512": ml_kem512, "ML-KEM-768": ml_kem768, "ML-KEM-1024": ml_kem1024 } as const;
const ML_DSA = { "ML-DSA-44": ml_dsa44, "ML-DSA-65": ml_dsa65, "ML-DSA-87": ml_dsa87 } as const;
const SLH_DSA: Record<SlhDsaAlgorithm, typeof slh.slh_dsa_sha2_128f> = {
  "SLH-DSA-SHA2-128s": slh.slh_dsa_sha2_128s,
  "SLH-DSA-SHA2-128f": slh.slh_dsa_sha2_128f,
  "SLH-DSA-SHA2-192s": slh.slh_dsa_sha2_192s,
  "SLH-DSA-SHA2-192f": slh.slh_dsa_sha2_192f,
  "SLH-DSA-SHA2-256s": slh.slh_dsa_sha2_256s,
  "SLH-DSA-SHA2-256f": slh.slh_dsa_sha2_256f,
  "SLH-DSA-SHAKE-128s": slh.slh_dsa_shake_128s,
  "SLH-DSA-SHAKE-128f": slh.slh_dsa_shake_128f,
  "SLH-DSA-SHAKE-192s": slh.slh_dsa_shake_192s,
  "SLH-DSA-SHAKE-192f": slh.slh_dsa_shake_192f,
  "SLH-DSA-SHAKE-256s": slh.slh_dsa_shake_256s,
  "SLH-DSA-SHAKE-256f": slh.slh_dsa_shake_256f,
};

export const isKem = (a: string): a is KemAlgorithm => Object.hasOwn(KEM, a);
export const isMlDsa = (a: string): a is MlDsaAlgorithm => Object.hasOwn(ML_DSA, a);
export const isSlhDsa = (a: string): a is SlhDsaAlgorithm => Object.hasOwn(SLH_DSA, a);
export const isSignature = (a: string): a is SignatureAlgorithm => isMlDsa(a) || isSlhDsa(a);
function impl(a: PqcAlgorithm) {
  if (isKem(a)) return KEM[a];
  if (isMlDsa(a)) return ML_DSA[a];
  if (isSlhDsa(a)) return SLH_DSA[a];
  throw new PqcError(`unsupported post-quantum algorithm ${String(a)}`);
}

function signer(a: SignatureAlgorithm) {
  if (isMlDsa(a)) return ML_DSA[a];
  if (isSlhDsa(a)) return SLH_DSA[a];
  throw new PqcError(`${String(a)} is not a signature algorithm`);
}

export interface Lengths {
  seed: number;
  secretKey: number;
  publicKey: number;
  /** ML-KEM ciphertext. */
  cipherText?: number;
  signature?: number;
}

/** Byte lengths of the algorithm's seed, keys, ciphertext or signature. */
export function lengths(a: PqcAlgorithm): Lengths {
  const l = impl(a).lengths as Partial<Lengths>;
  return {
    seed: l.seed!,
    secretKey: l.secretKey!,
    publicKey: l.publicKey!,
    ...(l.cipherText ? { cipherText: l.cipherText } : {}),
    ...(l.signature ? { signature: l.signature } : {}),
  };
}

export interface PqcKeyPair {
  /** The seed the key pair was derived from (see the header). */
  seed: Uint8Array;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

function checkLength(what: string, bytes: Uint8Array, expected: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== expected) throw new RangeError(`${what} must be ${expected} bytes, got ${bytes.length}`);
}

/** The key pair of a seed (deterministic key generation: FIPS 203 §7.1 / 204 §6.1 / 205 §10.1). */
export function keyPairFromSeed(a: PqcAlgorithm, seed: Uint8Array): PqcKeyPair {
  checkLength(`${a} seed`, seed, lengths(a).seed);
  const { secretKey, publicKey } = impl(a).keygen(seed);
  return { seed: seed.slice(), secretKey, publicKey };
}

/** A fresh key pair. */
export function generateKeyPair(a: PqcAlgorithm): PqcKeyPair {
  return keyPairFromSeed(a, randomBytes(lengths(a).seed));
}

/** The public key held in (ML-KEM, SLH-DSA) or derived from (ML-DSA) a secret key. */
export function publicKeyOf(a: PqcAlgorithm, secretKey: Uint8Array): Uint8Array {
  checkLength(`${a} secret key`, secretKey, lengths(a).secretKey);
  try {
    return impl(a).getPublicKey(secretKey);
  } catch (e) {
    throw new PqcError(`${a}: invalid secret key (${(e as Error).message})`);
  }
}

// ---- ML-KEM ----

export interface Encapsulation {
  sharedSecret: Uint8Array;
  cipherText: Uint8Array;
}

/** ML-KEM.Encaps (FIPS 203 §7.2), with its encapsulation-key input check. `m` is for tests. */
export function encapsulate(a: KemAlgorithm, publicKey: Uint8Array, m?: Uint8Array): Encapsulation {
  if (!isKem(a)) throw new PqcError(`${String(a)} is not a key encapsulation mechanism`);
  checkLength(`${a} encapsulation key`, publicKey, lengths(a).publicKey);
  if (m !== undefined) checkLength(`${a} message`, m, 32);
  try {
    return KEM[a].encapsulate(publicKey, m);
  } catch (e) {
    throw new PqcError(`${a}: invalid encapsulation key (${(e as Error).message})`);
  }
}

/** ML-KEM.Decaps (FIPS 203 §7.3): a wrong ciphertext yields the implicit-rejection secret, not an error. */
export function decapsulate(a: KemAlgorithm, secretKey: Uint8Array, cipherText: Uint8Array): Uint8Array {
  if (!isKem(a)) throw new PqcError(`${String(a)} is not a key encapsulation mechanism`);
  const l = lengths(a);
  checkLength(`${a} ciphertext`, cipherText, l.cipherText!);
  checkLength(`${a} decapsulation key`, secretKey, l.secretKey);
  try {
    return KEM[a].decapsulate(cipherText, secretKey);
  } catch (e) {
    throw new PqcError(`${a}: invalid decapsulation key (${(e as Error).message})`);
  }
}

// ---- ML-DSA / SLH-DSA ----

export interface SignOptions {
  /** FIPS 204 / 205 context string, at most 255 bytes (default empty). */
  context?: Uint8Array;
  /** Deterministic variant (no fresh randomness): known-answer tests only. */
  deterministic?: boolean;
}

function checkContext(context: Uint8Array | undefined): void {
  if (context !== undefined && context.length > 255)
    throw new RangeError("the signature context must be at most 255 bytes");
}

/** Pure ML-DSA.Sign (FIPS 204 §5.2) or SLH-DSA.Sign (FIPS 205 §10.2) of `message`. */
export function sign(
  a: SignatureAlgorithm,
  secretKey: Uint8Array,
  message: Uint8Array,
  opts: SignOptions = {},
): Uint8Array {
  const s = signer(a);
  checkLength(`${a} secret key`, secretKey, lengths(a).secretKey);
  checkContext(opts.context);
  return s.sign(message, secretKey, {
    ...(opts.context ? { context: opts.context } : {}),
    ...(opts.deterministic ? { extraEntropy: false as const } : {}),
  });
}

/** true when `signature` is a valid pure signature of `message`; malformed signatures are invalid. */
export function verify(
  a: SignatureAlgorithm,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  context?: Uint8Array,
): boolean {
  const s = signer(a);
  checkLength(`${a} public key`, publicKey, lengths(a).publicKey);
  checkContext(context);
  if (signature.length !== lengths(a).signature) return false;
  try {
    return s.verify(signature, message, publicKey, context ? { context } : {});
  } catch {
    return false;
  }
}
