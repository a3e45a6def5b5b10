/**
 * Decrypt (KMIP 2.1 §6.1.12). Accepts Active, Deactivated and Compromised keys.
 */
import { KmipError } from "../kmip/error.ts";
import type { Decrypt } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import { cipherFor } from "./schemes.ts";
import { ensureCanUnprotect } from "./common/lifecycle.ts";
import { keysetChain, retrieve } from "./common/retrieve.ts";
import { maskAllows, USAGE } from "./common/keys.ts";

const USABLE = new Set(["Active", "Deactivated", "Compromised"]);

export async function decrypt(req: Decrypt, ctx: OperationContext): Promise<KmipRecord> {
  // A bare keyset name: try each generation, newest first (Cosmian's try-each).
  const chain = await keysetChain(ctx, req.UniqueIdentifier, "decrypt");
  if (chain && chain.length > 1) {
    let last: unknown;
    for (const k of chain) {
      try {
        return await decryptWith(k, req, ctx);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }
  return decryptWith(
    await retrieve(ctx, req.UniqueIdentifier, "decrypt", (o) => USABLE.has(o.state) && o.objectType !== "PublicKey"),
    req,
    ctx,
  );
}

async function decryptWith(key: StoredObject, req: Decrypt, ctx: OperationContext): Promise<KmipRecord> {
  ensureCanUnprotect(key, "Decrypt");
  const mask = key.attributes.CryptographicUsageMask;
  if (!maskAllows(mask, USAGE.Decrypt)) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `Decrypt: failed to retrieve the key ${key.id}: its usage mask ${mask} does not allow Decrypt`,
    );
  }
  const cipher = cipherFor(key, req, "Decrypt");
  if (!cipher?.decrypt) {
    throw new KmipError(
      "Operation_Not_Supported",
      `Decrypt: failed to retrieve the key ${key.id}: a ${key.objectType} (${key.attributes.CryptographicAlgorithm ?? "?"}) cannot decrypt`,
    );
  }
  return cipher.decrypt(key, req, ctx);
}
