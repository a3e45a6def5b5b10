/**
 * CoverCrypt in the KMS, served through the Scheme members:
 *  - keyPairs: CreateKeyPair for algorithm CoverCrypt (master keys)     -> master-keys.ts
 *              ReKeyKeyPair with the six `cover_crypt_rekey_action` edits -> rekey.ts
 *  - create:   Create of a PrivateKey with algorithm CoverCrypt (user keys) -> user-keys.ts
 *  - cipher:   Encrypt / Decrypt, single and CoverCryptBulk               -> cipher.ts
 *  - formats:  Import normalisation/validation and Get/Export formats     -> formats.ts
 * The cryptography is src/crypto/covercrypt/ (cover_crypt 14, byte-compatible with cloudproof_js).
 */
import { fail } from "../../kmip/error.ts";
import type { Scheme } from "../scheme.ts";
import { ALGORITHM } from "./keys.ts";
import { generateMasterKeyPair } from "./master-keys.ts";
import { createUserKey, isUserKeyRequest } from "./user-keys.ts";
import { coverCryptHandles, decrypt, encrypt } from "./cipher.ts";
import { rekeyMasterKeyPair } from "./rekey.ts";
import { exportCoverCryptKey, importCoverCryptKey } from "./formats.ts";

export const covercrypt: Scheme = {
  name: "CoverCrypt",
  keyPairs: {
    algorithms: [ALGORITHM],
    generate: (req, merged) => generateMasterKeyPair(req, merged),
    rekey: rekeyMasterKeyPair,
  },
  create: {
    // The only private keys Create makes: other key pairs come from CreateKeyPair.
    handles: (req) => req.ObjectType === "PrivateKey",
    create(req, ctx) {
      if (isUserKeyRequest(req.Attributes)) return createUserKey(req, ctx);
      fail(
        "Invalid_Attribute_Value",
        `Create: only CoverCrypt user decryption keys can be created as PrivateKey (algorithm CoverCrypt); use CreateKeyPair for ${req.Attributes.CryptographicAlgorithm ?? "other"} key pairs`,
      );
    },
  },
  cipher: {
    handles: coverCryptHandles,
    encrypt: (key, req) => encrypt(key, req),
    decrypt: (key, req) => decrypt(key, req),
  },
  formats: {
    exportKey: (o, kb, format) => exportCoverCryptKey(o, kb, format),
    importKey: (kb, attrs) => importCoverCryptKey(kb, attrs),
  },
};
