/**
 * Hash (KMIP 2.1 §6.1.27): digest of Data with CryptographicParameters.HashingAlgorithm (SHA-1,
 * SHA-2, SHA-3). Needs no key and no right. Streaming is refused as for MAC (see mac.ts): Cosmian
 * chains digests (H(previous || data)), which is not the digest of the whole message.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { Hash } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import * as hashes from "../crypto/hash.ts";
import { cryptoError } from "./common/symmetric.ts";
import { refuseStreaming } from "./mac.ts";

export async function hash(req: Hash): Promise<KmipRecord> {
  const name = req.CryptographicParameters?.HashingAlgorithm;
  if (!name)
    fail("Invalid_Message", "Hash: the hashing algorithm is required (CryptographicParameters.HashingAlgorithm)");
  refuseStreaming(req, "Hash");
  const algorithm = hashes.fromKmipName(name);
  if (!algorithm)
    throw new KmipError("Operation_Not_Supported", `Hash: the hashing algorithm ${name} is not supported`);
  try {
    return { Data: hashes.digest(algorithm, req.Data ?? new Uint8Array(0)) };
  } catch (e) {
    throw cryptoError("Hash", e);
  }
}
