/**
 * RNGSeed (KMIP 2.1 §6.1.43). Our random numbers come from the operating system's CSPRNG
 * (src/crypto/random.ts), which seeds itself and takes no seed from clients: the data is accepted
 * and discarded, and AmountOfSeedData reports its length, as Cosmian does.
 */
import { fail } from "../kmip/error.ts";
import type { RNGSeed } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import { MAX_RNG_BYTES } from "./rng-retrieve.ts";

export async function rngSeed(req: RNGSeed): Promise<KmipRecord> {
  if (req.Data.length > MAX_RNG_BYTES) fail("Invalid_Field", `RNGSeed: at most ${MAX_RNG_BYTES} bytes of seed data`);
  return { AmountOfSeedData: req.Data.length };
}
