/**
 * RSA encoding methods of PKCS #1 v2.2 (RFC 8017) that node:crypto does not expose the way the KMS
 * needs them: MGF1 (RFC 8017 §B.2.1), EME-OAEP with a mask hash different from the label hash (§7.1),
 * EME-PKCS1-v1_5 decoding (§7.2.2; node refuses PKCS#1 v1.5 private decryption), EMSA-PSS with any
 * hash, mask hash and salt length, also on a digest computed by the caller (§9.1), and
 * EMSA-PKCS1-v1_5 on a digest (§9.2). The RSA primitives themselves (RSAEP/RSADP) stay in
 * node:crypto (rsa.ts); nothing here touches a private key.
 *
 * Decoders are written to take the same path whatever is wrong with the input (one error, no
 * early exit on secret bytes), as RFC 8017 §7.1.2 note and §7.2.2 note ask; JavaScript gives no hard
 * constant-time guarantee, so this limits, but does not prove the absence of, a timing oracle.
 */
import { createHash } from "node:crypto";
import { concatBytes, equalBytes, hexToBytes } from "./bytes.ts";

/** Hash names as node:crypto spells them. */
export type RsaHash =
  | "md5"
  | "sha1"
  | "sha224"
  | "sha256"
  | "sha384"
  | "sha512"
  | "sha3-224"
  | "sha3-256"
  | "sha3-384"
  | "sha3-512";

export const HASH_LENGTH: Record<RsaHash, number> = {
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  "sha3-224": 28,
  "sha3-256": 32,
  "sha3-384": 48,
  "sha3-512": 64,
};

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1; SHA-3 OIDs from NIST CSOR 2.16.840.1.101.3.4.2.7-10). */
const DIGEST_INFO: Record<RsaHash, string> = {
  md5: "3020300c06082a864886f70d020505000410",
  sha1: "3021300906052b0e03021a05000414",
  sha224: "302d300d06096086480165030402040500041c",
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
  "sha3-224": "302d300d06096086480165030402070500041c",
  "sha3-256": "3031300d060960864801650304020805000420",
  "sha3-384": "3041300d060960864801650304020905000430",
  "sha3-512": "3051300d060960864801650304020a05000440",
};

/** Decoding failed; deliberately says nothing about why. */
export class RsaPaddingError extends Error {
  constructor(message = "decryption error") {
    super(message);
    this.name = "RsaPaddingError";
  }
}

export function hash(name: RsaHash, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(name).update(data).digest());
}

/** MGF1 (RFC 8017 §B.2.1). */
export function mgf1(name: RsaHash, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const counter = new Uint8Array(4);
  for (let i = 0, offset = 0; offset < length; i++) {
    new DataView(counter.buffer).setUint32(0, i);
    const block = hash(name, concatBytes(seed, counter));
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
    offset += block.length;
  }
  return out;
}

function xorInto(target: Uint8Array, mask: Uint8Array): void {
  for (let i = 0; i < target.length; i++) target[i] ^= mask[i];
}

// ---- EME-OAEP (RFC 8017 §7.1.1 step 2, §7.1.2 step 3) ----

export interface OaepParams {
  hash: RsaHash;
  mgf1Hash: RsaHash;
  label?: Uint8Array;
}

export function oaepMaxMessageLength(k: number, p: OaepParams): number {
  return k - 2 * HASH_LENGTH[p.hash] - 2;
}

/** EM = 0x00 ‖ maskedSeed ‖ maskedDB for a k-byte modulus; `seed` is hLen random bytes. */
export function oaepEncode(message: Uint8Array, k: number, p: OaepParams, seed: Uint8Array): Uint8Array {
  const hLen = HASH_LENGTH[p.hash];
  if (message.length > oaepMaxMessageLength(k, p))
    throw new RangeError(
      `RSA-OAEP: data too large for the key: at most ${Math.max(0, oaepMaxMessageLength(k, p))} bytes`,
    );
  if (seed.length !== hLen) throw new RangeError("RSA-OAEP: the seed must be hLen bytes");
  const db = new Uint8Array(k - hLen - 1);
  db.set(hash(p.hash, p.label ?? new Uint8Array(0)), 0);
  db[db.length - message.length - 1] = 0x01;
  db.set(message, db.length - message.length);
  xorInto(db, mgf1(p.mgf1Hash, seed, db.length));
  const maskedSeed = seed.slice();
  xorInto(maskedSeed, mgf1(p.mgf1Hash, db, hLen));
  return concatBytes(Uint8Array.of(0), maskedSeed, db);
}

/** The message inside a k-byte EM; RsaPaddingError for any defect. */
export function oaepDecode(em: Uint8Array, k: number, p: OaepParams): Uint8Array {
  const hLen = HASH_LENGTH[p.hash];
  if (em.length !== k || k < 2 * hLen + 2) throw new RsaPaddingError();
  const seed = em.slice(1, 1 + hLen);
  const db = em.slice(1 + hLen);
  xorInto(seed, mgf1(p.mgf1Hash, db, hLen));
  xorInto(db, mgf1(p.mgf1Hash, seed, db.length));
  const lHash = hash(p.hash, p.label ?? new Uint8Array(0));
  let bad = em[0] | (equalBytes(db.subarray(0, hLen), lHash) ? 0 : 1);
  // Find the 0x01 separator after the zero padding without branching on the bytes.
  let found = 0;
  let index = 0;
  for (let i = hLen; i < db.length; i++) {
    const isOne = (((db[i] ^ 1) - 1) >>> 31) & 1; // 1 when db[i] === 1
    const isZero = ((db[i] - 1) >>> 31) & 1; // 1 when db[i] === 0
    const take = isOne & (found ^ 1);
    index |= -take & i;
    found |= take;
    bad |= (found ^ 1) & (isZero ^ 1) & (isOne ^ 1); // a non-zero, non-one byte before the separator
  }
  bad |= found ^ 1;
  if (bad !== 0) throw new RsaPaddingError();
  return db.slice(index + 1);
}

// ---- EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2 step 3) ----

/** The message inside EM = 0x00 ‖ 0x02 ‖ PS (≥ 8 non-zero bytes) ‖ 0x00 ‖ M. */
export function pkcs1v15Decode(em: Uint8Array, k: number): Uint8Array {
  if (em.length !== k || k < 11) throw new RsaPaddingError();
  let bad = em[0] | (em[1] ^ 0x02);
  let found = 0;
  let index = 0;
  for (let i = 2; i < k; i++) {
    const isZero = ((em[i] - 1) >>> 31) & 1;
    const take = isZero & (found ^ 1);
    index |= -take & i;
    found |= take;
  }
  bad |= found ^ 1;
  bad |= ((index - 10) >>> 31) & 1; // fewer than 8 padding bytes
  if (bad !== 0) throw new RsaPaddingError();
  return em.slice(index + 1);
}

// ---- EMSA-PSS (RFC 8017 §9.1) ----

export interface PssParams {
  hash: RsaHash;
  mgf1Hash: RsaHash;
  /** Salt length in bytes; `"auto"` (verification only) recovers it from the encoding. */
  saltLength: number | "auto";
}

function pssM(p: PssParams, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  return hash(p.hash, concatBytes(new Uint8Array(8), mHash, salt));
}

/** EM of emBits = modBits - 1 bits for the digest `mHash`, with `salt`. */
export function pssEncode(mHash: Uint8Array, emBits: number, p: PssParams, salt: Uint8Array): Uint8Array {
  const hLen = HASH_LENGTH[p.hash];
  const emLen = Math.ceil(emBits / 8);
  if (mHash.length !== hLen) throw new RangeError(`RSA-PSS: the digest must be ${hLen} bytes, got ${mHash.length}`);
  if (emLen < hLen + salt.length + 2)
    throw new RangeError("RSA-PSS: the key is too small for this hash and salt length");
  const h = pssM(p, mHash, salt);
  const db = new Uint8Array(emLen - hLen - 1);
  db[db.length - salt.length - 1] = 0x01;
  db.set(salt, db.length - salt.length);
  xorInto(db, mgf1(p.mgf1Hash, h, db.length));
  db[0] &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, Uint8Array.of(0xbc));
}

/** true when EM is a valid PSS encoding of `mHash` (public data: no constant-time needs). */
export function pssVerify(mHash: Uint8Array, em: Uint8Array, emBits: number, p: PssParams): boolean {
  const hLen = HASH_LENGTH[p.hash];
  const emLen = Math.ceil(emBits / 8);
  if (mHash.length !== hLen || em.length !== emLen || emLen < hLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const db = em.slice(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff & ~(0xff >> (8 * emLen - emBits));
  if ((db[0] & topMask) !== 0) return false;
  xorInto(db, mgf1(p.mgf1Hash, h, db.length));
  db[0] &= 0xff >> (8 * emLen - emBits);
  let i = 0;
  while (i < db.length && db[i] === 0) i++;
  if (i === db.length || db[i] !== 0x01) return false;
  const salt = db.subarray(i + 1);
  if (p.saltLength !== "auto" && salt.length !== p.saltLength) return false;
  return equalBytes(pssM(p, mHash, salt), h);
}

// ---- EMSA-PKCS1-v1_5 (RFC 8017 §9.2) ----

/** EM = 0x00 ‖ 0x01 ‖ 0xFF… ‖ 0x00 ‖ DigestInfo(hash, mHash), k bytes. */
export function pkcs1v15SignatureEncode(name: RsaHash, mHash: Uint8Array, k: number): Uint8Array {
  if (mHash.length !== HASH_LENGTH[name])
    throw new RangeError(`RSASSA-PKCS1-v1_5: the digest must be ${HASH_LENGTH[name]} bytes, got ${mHash.length}`);
  const t = concatBytes(hexToBytes(DIGEST_INFO[name]), mHash);
  if (k < t.length + 11) throw new RangeError("RSASSA-PKCS1-v1_5: the key is too small for this hash");
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0;
  em[1] = 1;
  em[k - t.length - 1] = 0;
  em.set(t, k - t.length);
  return em;
}
