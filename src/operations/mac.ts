/**
 * MAC (KMIP 2.1 §6.1.29): HMAC of Data with an Active symmetric key, as the Cosmian KMS does it.
 *
 * The hash is the request's CryptographicParameters.HashingAlgorithm, else the one an HMAC algorithm
 * names (request CryptographicAlgorithm, then the key's algorithm, then its stored parameters):
 * an HMACSHA256 key MACs with SHA-256. Streaming (InitIndicator / CorrelationValue) is refused:
 * Cosmian's "streaming" re-keys each step with the previous MAC, which is not the MAC of the whole
 * message, so we do not imitate it.
 */
import { lookupTable } from "../crypto/lookup.ts";
import { KmipError, fail } from "../kmip/error.ts";
import type { CryptographicParameters } from "../kmip/attributes.ts";
import type { MAC } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import * as hmac from "../crypto/mac.ts";
import { fromKmipName, type HashName } from "../crypto/hash.ts";
import type { OperationContext } from "./context.ts";
import { ensureCanProtect } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { keyBlockOf, keyMaterialBytes, maskAllows, USAGE } from "./common/keys.ts";
import { cryptoError } from "./common/symmetric.ts";
import { forUse } from "./common/at-rest.ts";

/** HMAC algorithm -> KMIP HashingAlgorithm. */
const HMAC_HASH: Record<string, string> = lookupTable({
  HMACSHA1: "SHA1",
  HMACSHA224: "SHA224",
  HMACSHA256: "SHA256",
  HMACSHA384: "SHA384",
  HMACSHA512: "SHA512",
  HMACSHA3224: "SHA3224",
  HMACSHA3256: "SHA3256",
  HMACSHA3384: "SHA3384",
  HMACSHA3512: "SHA3512",
});

/** The hash of an HMAC with `key` for this request; fails naming what is missing or unsupported. */
export function macHash(key: StoredObject, params: CryptographicParameters | undefined, op: string): HashName {
  const stored = key.attributes.CryptographicParameters;
  const kmipName =
    params?.HashingAlgorithm ??
    HMAC_HASH[params?.CryptographicAlgorithm ?? ""] ??
    HMAC_HASH[key.attributes.CryptographicAlgorithm ?? ""] ??
    HMAC_HASH[stored?.CryptographicAlgorithm ?? ""] ??
    stored?.HashingAlgorithm;
  if (!kmipName) {
    fail(
      "Invalid_Field",
      `${op}: cannot tell the HMAC hash: the key's algorithm ${key.attributes.CryptographicAlgorithm ?? "(none)"} is not an HMAC algorithm; give CryptographicParameters.HashingAlgorithm`,
    );
  }
  const hash = fromKmipName(kmipName);
  if (!hash)
    throw new KmipError(
      "Operation_Not_Supported",
      `${op}: the hashing algorithm ${kmipName} is not supported for HMAC`,
    );
  return hash;
}

/** Refuses the streaming forms (see the header). */
export function refuseStreaming(
  req: { InitIndicator?: boolean; FinalIndicator?: boolean; CorrelationValue?: Uint8Array },
  op: string,
): void {
  if (req.InitIndicator && req.FinalIndicator) {
    fail(
      "Invalid_Field",
      `${op}: invalid request: init_indicator and final_indicator (InitIndicator, FinalIndicator) cannot both be true`,
    );
  }
  if (req.InitIndicator || req.CorrelationValue) {
    throw new KmipError(
      "Operation_Not_Supported",
      `${op}: streaming (InitIndicator / CorrelationValue) is not supported; send the whole data in one request`,
    );
  }
}

export function ensureUsage(key: StoredObject, bit: number, name: string, op: string): void {
  const mask = key.attributes.CryptographicUsageMask;
  if (!maskAllows(mask, bit)) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `${op}: the usage mask of ${key.id} does not allow ${name}`,
    );
  }
}

export async function mac(req: MAC, ctx: OperationContext): Promise<KmipRecord> {
  refuseStreaming(req, "MAC");
  const key = await retrieve(
    ctx,
    req.UniqueIdentifier,
    "mac",
    (o) => o.state === "Active" && o.objectType === "SymmetricKey",
  );
  ensureCanProtect(key, "MAC");
  if (key.objectType !== "SymmetricKey") {
    throw new KmipError(
      "Invalid_Object_Type",
      `MAC: no valid key for id ${key.id}: a ${key.objectType} cannot compute an HMAC; use a symmetric key`,
    );
  }
  ensureUsage(key, USAGE.MACGenerate, "MACGenerate", "MAC");
  const hash = macHash(key, req.CryptographicParameters, "MAC");
  const keyBytes = keyMaterialBytes(keyBlockOf(await forUse(ctx, key)), key.id);
  try {
    return { UniqueIdentifier: key.id, MACData: hmac.compute(hash, keyBytes, req.Data ?? new Uint8Array(0)) };
  } catch (e) {
    throw cryptoError("MAC", e);
  }
}
