/** RNGRetrieve (KMIP 2.1 §6.1.42): random bytes from the server's CSPRNG. */
import { fail } from "../kmip/error.ts";
import type { RNGRetrieve } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { randomBytes } from "../crypto/random.ts";

export const MAX_RNG_BYTES = 1 << 20;

export async function rngRetrieve(req: RNGRetrieve): Promise<KmipRecord> {
  if (req.DataLength <= 0 || req.DataLength > MAX_RNG_BYTES) {
    fail("Invalid_Field", `RNGRetrieve: DataLength must be between 1 and ${MAX_RNG_BYTES}`);
  }
  return { Data: randomBytes(req.DataLength) };
}
