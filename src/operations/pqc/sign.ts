/**
 * Sign / SignatureVerify with ML-DSA and SLH-DSA keys (as the Cosmian KMS:
 * crate/server/src/core/operations/sign.rs and crypto/pqc/ml_dsa.rs): pure signatures with an
 * empty context over Data, or over DigestedData taken as the message (as the KMS does), hedged as
 * OpenSSL signs. CryptographicParameters do not apply and are ignored. The operation itself (key
 * type, state, usage mask, streaming) is operations/sign.ts and signature-verify.ts.
 * Verification takes the public key or the private key (its public half).
 */
import * as pqc from "../../crypto/pqc.ts";
import { wipe } from "../../crypto/bytes.ts";
import type { Signer } from "../scheme.ts";
import { cryptoError } from "../common/symmetric.ts";
import { publicOf, requirePqcKey, pqcAlgorithmOfObject } from "./key-material.ts";

/**
 * Where the worker is: beside this file in a source tree; in a `bun build --compile` executable,
 * where scripts/build.ts embeds it (entry points keep their paths relative to src/).
 */
const WORKER = import.meta.url.includes("$bunfs") ? "./operations/pqc/sign-worker.ts" : new URL("./sign-worker.ts", import.meta.url).href;

/** The SLH-DSA "small" variants: 1 to 11 s per signature in JavaScript. */
const SLOW = /^SLH-DSA-.*s$/;

/**
 * Signs in a worker so that the event loop keeps serving; undefined when no worker can be started
 * (e.g. a runtime without workers), and the caller then signs inline.
 */
function signInWorker(algorithm: pqc.SignatureAlgorithm, secretKey: Uint8Array, data: Uint8Array): Promise<Uint8Array | undefined> {
  let worker: Worker;
  try {
    worker = new Worker(WORKER);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      worker.terminate();
      f();
    };
    worker.onmessage = (e: MessageEvent) => {
      const { signature, error } = e.data as { signature?: Uint8Array; error?: string };
      done(() => (signature ? resolve(new Uint8Array(signature)) : reject(new Error(error ?? "signing failed"))));
    };
    worker.onerror = () => done(() => resolve(undefined));
    worker.postMessage({ algorithm, secretKey: secretKey.slice(), data });
  });
}

export const pqcSigner: Signer = {
  handles(key) {
    const a = pqcAlgorithmOfObject(key);
    return a !== undefined && pqc.isSignature(a);
  },
  async sign(key, data) {
    const k = requirePqcKey(key);
    const algorithm = k.algorithm as pqc.SignatureAlgorithm;
    try {
      if (SLOW.test(algorithm)) {
        const signature = await signInWorker(algorithm, k.secretKey!, data);
        if (signature) return signature;
      }
      return pqc.sign(algorithm, k.secretKey!, data);
    } catch (e) {
      throw cryptoError("Sign", e);
    } finally {
      wipe(k.secretKey, k.seed);
    }
  },
  verify(key, data, signature) {
    const k = requirePqcKey(key);
    const publicKey = publicOf(k);
    wipe(k.secretKey, k.seed);
    try {
      return pqc.verify(k.algorithm as pqc.SignatureAlgorithm, publicKey, data, signature);
    } catch (e) {
      throw cryptoError("SignatureVerify", e);
    }
  },
};
