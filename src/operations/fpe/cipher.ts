/**
 * FPE_FF1 Encrypt/Decrypt, as Cosmian KMS >= 5.24 serves it (docs/fpe-ff1.md,
 * "In the KMS"; KMS `encrypt_with_symmetric_key` / `decrypt_single_with_symmetric_key`):
 *
 *  - the algorithm is the request's CryptographicParameters.CryptographicAlgorithm, else the key's
 *    stored CryptographicParameters, else the key's algorithm; FPE_FF1 selects FF1 with the key's
 *    bytes, whatever the key's own algorithm (as Cosmian, whose docs say "256-bit AES"): 32 bytes
 *    for Cosmian's 18 rounds, 16/24/32 for the NIST rounds extension;
 *  - a key created for FPE_FF1 serves nothing else: asking it for another algorithm is refused
 *    with Incompatible_Cryptographic_Usage_Mask (Cosmian's reason and wording);
 *  - Data = UTF-8 text, IVCounterNonce = tweak (absent = empty), AuthenticatedEncryptionAdditionalData
 *    = metadata (metadata.ts); the response carries UniqueIdentifier and Data (plus the
 *    CorrelationValue when one was sent, as Cosmian): no IV, no tag.
 *
 * Errors: FpeError -> Invalid_Field when the request is at fault (metadata, alphabet, data,
 * length); a key FF1 cannot use (KEY_SIZE) -> Cryptographic_Failure, Cosmian's reason for every
 * FPE failure. Messages keep Cosmian's "FPE encrypt failed: " prefix and carry no key material.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { Decrypt, Encrypt } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { FpeError, kms } from "../../crypto/ff1/index.ts";
import type { Cipher } from "../scheme.ts";
import { keyBlockOf, keyMaterialBytes } from "../common/keys.ts";
import { decryptExtended, encryptExtended } from "./codec.ts";
import { runHeavy } from "../common/heavy.ts";

/** Inputs up to this size are encrypted inline (well under a millisecond); larger ones on a worker. */
const INLINE_FPE_BYTES = 1024;
import { parseFpeMetadata } from "./metadata.ts";

export const FPE_ALGORITHM = "FPE_FF1";

/**
 * Largest Data accepted. Not a Cosmian limit: FF1's big-number arithmetic is quadratic in the
 * length, and one request of a few hundred kilobytes would hold the event loop for minutes.
 */
export const MAX_FPE_DATA_BYTES = 16_384;

type Op = "Encrypt" | "Decrypt";

function keyAlgorithm(key: StoredObject): string | undefined {
  return keyBlockOf(key)?.CryptographicAlgorithm ?? key.attributes.CryptographicAlgorithm;
}

/** Cosmian's selection: request parameters, else stored parameters, else the key's algorithm. */
function selectedAlgorithm(key: StoredObject, req: Encrypt | Decrypt): string | undefined {
  return (
    req.CryptographicParameters?.CryptographicAlgorithm ??
    key.attributes.CryptographicParameters?.CryptographicAlgorithm ??
    keyAlgorithm(key)
  );
}

/** FpeError (and anything else the FF1 modules throw) -> KmipError. */
export function fpeError(op: Op, e: unknown): KmipError {
  if (e instanceof KmipError) return e;
  const message = `${op}: FPE ${op.toLowerCase()} failed: ${e instanceof Error ? e.message : String(e)}`;
  if (e instanceof FpeError && e.code !== "KEY_SIZE")
    return new KmipError("Invalid_Field", message, "client", { cause: e });
  return new KmipError("Cryptographic_Failure", message, "client", { cause: e });
}

async function run(op: Op, key: StoredObject, req: Encrypt | Decrypt): Promise<KmipRecord> {
  const verb = op.toLowerCase();
  if (selectedAlgorithm(key, req) !== FPE_ALGORITHM) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `${op}: an FPE_FF1 key may only be used for FPE_FF1 ${verb} operations`,
    );
  }
  const data = req.Data;
  if (data === undefined) fail("Invalid_Message", `${op}: data to ${verb} must be provided`);
  if (data.length > MAX_FPE_DATA_BYTES) {
    fail(
      "Invalid_Field",
      `${op}: FPE data must be at most ${MAX_FPE_DATA_BYTES} bytes on this server, got ${data.length}`,
    );
  }
  const keyBytes = keyMaterialBytes(keyBlockOf(key), key.id);
  const aad = req.AuthenticatedEncryptionAdditionalData;
  const tweak = req.IVCounterNonce ?? new Uint8Array(0);
  let out: Uint8Array;
  try {
    const meta = parseFpeMetadata(aad);
    // FF1 over kilobytes of text takes ~0.1 s: larger inputs go to a worker thread
    const heavy = data.length > INLINE_FPE_BYTES;
    if (meta.kind === "cosmian") {
      out = heavy
        ? await runHeavy("fpeCosmian", op === "Encrypt", keyBytes, data, aad, tweak)
        : op === "Encrypt"
          ? kms.encrypt(keyBytes, data, aad, tweak)
          : kms.decrypt(keyBytes, data, aad, tweak);
    } else {
      out = heavy
        ? await runHeavy("fpeExtended", op === "Encrypt", keyBytes, data, meta, tweak)
        : op === "Encrypt"
          ? encryptExtended(keyBytes, data, meta, tweak)
          : decryptExtended(keyBytes, data, meta, tweak);
    }
  } catch (e) {
    throw fpeError(op, e);
  }
  const response: KmipRecord = { UniqueIdentifier: key.id, Data: out };
  if (req.CorrelationValue) response.CorrelationValue = req.CorrelationValue;
  return response;
}

export const fpeCipher: Cipher = {
  handles(key, req) {
    if (key.objectType !== "SymmetricKey") return false;
    return selectedAlgorithm(key, req) === FPE_ALGORITHM || keyAlgorithm(key) === FPE_ALGORITHM;
  },
  encrypt: async (key, req) => run("Encrypt", key, req),
  decrypt: async (key, req) => run("Decrypt", key, req),
};
