/**
 * RSA keys in the KMS (primitives in src/crypto/rsa.ts):
 *  - keyPairs: CreateKeyPair generator, ReKeyKeyPair by a new pair             -> generate.ts
 *  - cipher:   OAEP / PKCS#1 v1.5 / RSA-AES key wrap Encrypt and Decrypt       -> cipher.ts
 *  - signer:   RSASSA-PSS and PKCS#1 v1.5 Sign / SignatureVerify               -> sign.ts
 *  - formats:  Get/Export format conversion and Import validation             -> formats.ts
 *  - wrapper:  key wrapping with RSA keys and certificates                     -> wrap.ts
 */
import { rotateWith } from "../common/rekey-pair.ts";
import type { Scheme } from "../scheme.ts";
import { generateRsaKeyPair } from "./generate.ts";
import { rsaCipher } from "./cipher.ts";
import { rsaSigner } from "./sign.ts";
import { rsaFormats } from "./formats.ts";
import { rsaWrapper } from "./wrap.ts";

export const rsa: Scheme = {
  name: "RSA",
  keyPairs: { algorithms: ["RSA"], generate: generateRsaKeyPair, rekey: rotateWith(generateRsaKeyPair) },
  cipher: rsaCipher,
  signer: rsaSigner,
  formats: rsaFormats,
  wrapper: rsaWrapper,
};
