/**
 * MACVerify (KMIP 2.1 §6.1.30): checks MACData against the HMAC of Data. Like Decrypt, the key may
 * be Active, Deactivated or Compromised; the hash is chosen as for MAC (mac.ts). A mismatch is a
 * successful answer with ValidityIndicator Invalid, not an error.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { MACVerify } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import * as hmac from "../crypto/mac.ts";
import type { OperationContext } from "./context.ts";
import { ensureCanUnprotect } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { keyBlockOf, keyMaterialBytes, USAGE } from "./common/keys.ts";
import { cryptoError } from "./common/symmetric.ts";
import { forUse } from "./common/at-rest.ts";
import { ensureUsage, macHash, refuseStreaming } from "./mac.ts";

const USABLE = new Set(["Active", "Deactivated", "Compromised"]);

export async function macVerify(req: MACVerify, ctx: OperationContext): Promise<KmipRecord> {
  refuseStreaming(req, "MACVerify");
  if (req.MACData === undefined) fail("Invalid_Message", "MACVerify: missing the MAC to verify (MACData)");
  const key = await retrieve(
    ctx,
    req.UniqueIdentifier,
    "mac",
    (o) => USABLE.has(o.state) && o.objectType === "SymmetricKey",
  );
  ensureCanUnprotect(key, "MACVerify");
  if (key.objectType !== "SymmetricKey") {
    throw new KmipError(
      "Invalid_Object_Type",
      `MACVerify: no valid key for id ${key.id}: a ${key.objectType} cannot verify an HMAC; use a symmetric key`,
    );
  }
  ensureUsage(key, USAGE.MACVerify, "MACVerify", "MACVerify");
  const hash = macHash(key, req.CryptographicParameters, "MACVerify");
  const keyBytes = keyMaterialBytes(keyBlockOf(await forUse(ctx, key)), key.id);
  let valid: boolean;
  try {
    valid = hmac.verify(hash, keyBytes, req.Data ?? new Uint8Array(0), req.MACData);
  } catch (e) {
    throw cryptoError("MACVerify", e);
  }
  return { UniqueIdentifier: key.id, ValidityIndicator: valid ? "Valid" : "Invalid" };
}
