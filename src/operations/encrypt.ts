/**
 * Encrypt (KMIP 2.1 §6.1.18) with the scheme that claims the key and request (schemes.ts:
 * symmetric ciphers, FF1, CoverCrypt, ECIES, RSA, ML-KEM).
 */
import { KmipError } from "../kmip/error.ts";
import type { Encrypt } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { cipherFor } from "./schemes.ts";
import { ensureCanProtect } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { maskAllows, USAGE } from "./common/keys.ts";

export async function encrypt(req: Encrypt, ctx: OperationContext): Promise<KmipRecord> {
  const key = await retrieve(
    ctx,
    req.UniqueIdentifier,
    "encrypt",
    (o) => o.state === "Active" && o.objectType !== "PrivateKey",
  );
  ensureCanProtect(key, "Encrypt");
  const mask = key.attributes.CryptographicUsageMask;
  if (!maskAllows(mask, USAGE.Encrypt)) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `Encrypt: no valid key for id ${key.id}: not found among keys whose usage mask allows Encrypt (its mask ${mask} does not allow Encrypt)`,
    );
  }
  const cipher = cipherFor(key, req, "Encrypt");
  if (!cipher?.encrypt) {
    throw new KmipError(
      "Operation_Not_Supported",
      `Encrypt: no valid key for id ${key.id}: not found among keys that can encrypt (a ${key.objectType} (${key.attributes.CryptographicAlgorithm ?? "?"}) cannot encrypt)`,
    );
  }
  return cipher.encrypt(key, req, ctx);
}
