/**
 * The CPU-heavy computations the server runs on its worker threads (heavy.ts): each takes and
 * returns structured-cloneable data only (bytes, strings, numbers, plain objects and Maps). Measured
 * on a 2-core machine: RSA-2048/3072/4096 generation 0.2/0.7/2.4 s, ML-DSA signing 0.1-0.3 s,
 * SLH-DSA "s" key generation 0.3-2.8 s and signing 4-40 s, PBKDF2-SHA256 600 000 iterations 0.2 s,
 * CoverCrypt master keys of 100+ partitions 0.2-0.4 s and encryption for many partitions up to
 * minutes, FF1 over 16 KiB of text 0.1 s. Everything here is also callable inline (no worker).
 */
import * as rsa from "../../crypto/rsa.ts";
import * as pqc from "../../crypto/pqc.ts";
import * as kdf from "../../crypto/kdf.ts";
import type { HashName } from "../../crypto/hash.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import * as fpe from "../../crypto/ff1/kms.ts";
import { wipe } from "../../crypto/bytes.ts";
import { decryptExtended, encryptExtended } from "../fpe/codec.ts";

type ExtendedMetadata = Parameters<typeof encryptExtended>[2];

export const HEAVY_TASKS = {
  rsaGenerate: (bits: number) => rsa.generate(bits),
  pbkdf2: (hash: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number) =>
    kdf.pbkdf2(hash, password, salt, iterations, length),
  pqcGenerate: (algorithm: pqc.PqcAlgorithm) => pqc.generateKeyPair(algorithm),
  pqcSign: (algorithm: pqc.SignatureAlgorithm, secretKey: Uint8Array, data: Uint8Array) => {
    try {
      return pqc.sign(algorithm, secretKey, data);
    } finally {
      wipe(secretKey);
    }
  },
  coverCryptMasterKeys: (policy: cc.Policy) => cc.generateMasterKeys(policy),
  /** The CoverCrypt header (one encapsulation per partition: the costly part) and its DEM key. */
  coverCryptEncryptHeader: (
    policy: cc.Policy,
    mpk: Uint8Array,
    access: string,
    options: { headerMetadata: Uint8Array | null; authenticationData?: Uint8Array },
  ) => cc.hybrid.encryptHeader(policy, cc.serialize.deserializeMasterPublicKey(mpk), access, options),
  fpeCosmian: (encrypt: boolean, key: Uint8Array, data: Uint8Array, aad: Uint8Array | undefined, tweak: Uint8Array) =>
    encrypt ? fpe.encrypt(key, data, aad, tweak) : fpe.decrypt(key, data, aad, tweak),
  fpeExtended: (encrypt: boolean, key: Uint8Array, data: Uint8Array, meta: ExtendedMetadata, tweak: Uint8Array) =>
    encrypt ? encryptExtended(key, data, meta, tweak) : decryptExtended(key, data, meta, tweak),
};

export type HeavyTasks = typeof HEAVY_TASKS;
export type HeavyTask = keyof HeavyTasks;
