/**
 * CoverCrypt in the KMS (GitHub issue 4, part 3; cloudproof-client.md §4.8, cosmian-kms-server.md
 * §3, §4.2, §4.3). Registers, at import time:
 *  - CreateKeyPair for algorithm CoverCrypt (master keys)             -> master-keys.ts
 *  - Create of a PrivateKey with algorithm CoverCrypt (user keys)     -> user-keys.ts
 *  - Encrypt / Decrypt, single and CoverCryptBulk                     -> cipher.ts
 *  - ReKeyKeyPair with the six `cover_crypt_rekey_action` edits       -> rekey.ts
 *  - Import normalisation/validation and Get/Export formats           -> formats.ts
 * The cryptography is src/crypto/covercrypt/ (cover_crypt 14, byte-compatible with cloudproof_js).
 */
import { fail } from "../../kmip/error.ts";
import { cipherSchemes, createKeyHooks, type CreateHook } from "../common/hooks.ts";
import { keyPairGenerators } from "../create-key-pair.ts";
import { keyPairRekeyers } from "../rekey-key-pair.ts";
import { importHooks } from "../import.ts";
import { formatConverters } from "../common/export.ts";
import { ALGORITHM } from "./keys.ts";
import { generateMasterKeyPair } from "./master-keys.ts";
import { createUserKey, isUserKeyRequest } from "./user-keys.ts";
import { coverCryptScheme } from "./cipher.ts";
import { rekeyMasterKeyPair } from "./rekey.ts";
import { exportCoverCryptKey, importCoverCryptKey } from "./formats.ts";

keyPairGenerators[ALGORITHM] = (req, merged) => generateMasterKeyPair(req, merged);
keyPairRekeyers[ALGORITHM] = rekeyMasterKeyPair;

// Other schemes may create private keys too: keep whatever was registered before us.
const previousPrivateKeyHook: CreateHook | undefined = createKeyHooks.PrivateKey;
createKeyHooks.PrivateKey = (req, ctx) => {
  if (isUserKeyRequest(req.Attributes)) return createUserKey(req, ctx);
  if (previousPrivateKeyHook) return previousPrivateKeyHook(req, ctx);
  fail(
    "Invalid_Attribute_Value",
    `Create: only CoverCrypt user decryption keys can be created as PrivateKey (algorithm CoverCrypt); use CreateKeyPair for ${req.Attributes.CryptographicAlgorithm ?? "other"} key pairs`,
  );
};

cipherSchemes.push(coverCryptScheme);
importHooks.push((kb, attrs) => importCoverCryptKey(kb, attrs));
formatConverters.push(exportCoverCryptKey);
