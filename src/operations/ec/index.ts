/**
 * Elliptic-curve keys in the KMS (X25519, Ed25519, Ed448, P-256/384/521, secp256k1, Ristretto255):
 *  - keyPairs: CreateKeyPair generators, ReKeyKeyPair by a new pair          -> generate.ts
 *  - cipher:   ECIES Encrypt/Decrypt with public keys / certificates          -> cipher.ts
 *  - signer:   Ed25519, Ed448 and ECDSA Sign / SignatureVerify                -> sign.ts
 *  - formats:  Get/Export format conversion and Import validation            -> formats.ts
 *  - wrapper:  key wrapping with public keys and certificates (ECIES)         -> wrap.ts
 */
import { rotateWith } from "../common/rekey-pair.ts";
import type { Scheme } from "../scheme.ts";
import { EC_ALGORITHMS, generateEcKeyPair } from "./generate.ts";
import { eciesCipher } from "./cipher.ts";
import { ecSigner } from "./sign.ts";
import { ecFormats } from "./formats.ts";
import { ecWrapper } from "./wrap.ts";

export const ec: Scheme = {
  name: "Elliptic curves",
  keyPairs: { algorithms: EC_ALGORITHMS, generate: generateEcKeyPair, rekey: rotateWith(generateEcKeyPair) },
  cipher: eciesCipher,
  signer: ecSigner,
  formats: ecFormats,
  wrapper: ecWrapper,
};
