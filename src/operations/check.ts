/**
 * Check (KMIP 2.1 §6.1.4): may the caller use this object for the given usage? Needs the `get`
 * right (as Cosmian). A usage mask the object does not allow fails with
 * Incompatible_Cryptographic_Usage_Mask; usage limits and leases are not tracked, so those fields
 * are accepted and not echoed.
 */
import { KmipError } from "../kmip/error.ts";
import type { Check } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { retrieve } from "./common/retrieve.ts";

export async function check(req: Check, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, "get");
  const wanted = req.CryptographicUsageMask;
  if (wanted !== undefined) {
    const mask = o.attributes.CryptographicUsageMask;
    if (mask !== undefined && (mask & wanted) !== wanted) {
      throw new KmipError(
        "Incompatible_Cryptographic_Usage_Mask",
        `Check failed: the usage mask of ${o.id} (${mask}) does not allow ${wanted}`,
      );
    }
  }
  return { UniqueIdentifier: o.id };
}
