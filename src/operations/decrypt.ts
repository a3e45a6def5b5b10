/**
 * Decrypt (KMIP 2.1 §6.1.12). Accepts Active, Deactivated and Compromised keys.
 */
import { KmipError } from "../kmip/error.ts";
import type { Decrypt } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { cipherSchemes } from "./_hooks.ts";
import { ensureCanUnprotect } from "./_lifecycle.ts";
import { retrieve } from "./_retrieve.ts";
import { symmetricDecrypt } from "./_symmetric.ts";
import { USAGE } from "./_keys.ts";

const USABLE = new Set(["Active", "Deactivated", "Compromised"]);

export async function decrypt(req: Decrypt, ctx: OperationContext): Promise<KmipRecord> {
  const key = await retrieve(ctx, req.UniqueIdentifier, "decrypt", (o) => USABLE.has(o.state) && o.objectType !== "PublicKey");
  ensureCanUnprotect(key, "Decrypt");
  const mask = key.attributes.CryptographicUsageMask;
  if (mask && !(mask & USAGE.Decrypt)) {
    throw new KmipError("Incompatible_Cryptographic_Usage_Mask", `Decrypt: the usage mask of ${key.id} does not allow Decrypt`);
  }
  const scheme = cipherSchemes.find((s) => s.handles(key, req, "Decrypt"));
  if (scheme?.decrypt) return scheme.decrypt(key, req, ctx);
  if (key.objectType !== "SymmetricKey") {
    throw new KmipError("Operation_Not_Supported", `Decrypt: keys of type ${key.objectType} (${key.attributes.CryptographicAlgorithm ?? "?"}) cannot decrypt`);
  }
  return symmetricDecrypt(key, req);
}
