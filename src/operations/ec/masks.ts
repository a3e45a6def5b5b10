/**
 * Usage-mask checks for the elliptic-curve operations (KMIP 2.1 §3.19). A key without a mask may
 * be used for anything (as the KMS does); Unrestricted (0x00200000, what the KMS CLI sets on EC
 * keys) allows everything too.
 */
import type { StoredObject } from "../../store/store.ts";

export const UNRESTRICTED = 0x0020_0000;

/** true when `o`'s usage mask allows one of `bits`. */
export function maskAllows(o: StoredObject, bits: number): boolean {
  const mask = o.attributes.CryptographicUsageMask;
  return !mask || (mask & (bits | UNRESTRICTED)) !== 0;
}
