/**
 * SignatureVerify (KMIP 2.1 §6.1.47): a public key, a private key (its public half) or a
 * certificate, Active, Deactivated or Compromised, with the Verify usage (or no mask /
 * Unrestricted), verified by the scheme that claims the key (schemes.ts). Response:
 * ValidityIndicator Valid | Invalid (a malformed signature is Invalid), or the CorrelationValue
 * while streaming (common/signing.ts).
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { SignatureVerify } from "../kmip/requests-sign.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { ensureCanUnprotect } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { maskAllows, USAGE } from "./common/keys.ts";
import { signingInput } from "./common/signing.ts";
import { signerFor } from "./schemes.ts";

const VERIFY_STATES = new Set(["Active", "Deactivated", "Compromised"]);
const VERIFY_TYPES = new Set(["PublicKey", "PrivateKey", "Certificate"]);

export async function signatureVerify(req: SignatureVerify, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(
    ctx,
    req.UniqueIdentifier,
    "signatureverify",
    (x) => VERIFY_STATES.has(x.state) && VERIFY_TYPES.has(x.objectType),
  );
  if (!VERIFY_TYPES.has(o.objectType))
    throw new KmipError(
      "Item_Not_Found",
      `SignatureVerify: no valid key for id ${o.id}: a ${o.objectType} cannot verify signatures`,
    );
  ensureCanUnprotect(o, "SignatureVerify");
  if (!maskAllows(o.attributes.CryptographicUsageMask, USAGE.Verify)) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `SignatureVerify: no valid key for id ${o.id}: its usage mask does not allow Verify`,
    );
  }
  const signer = signerFor(o);
  if (!signer) {
    throw new KmipError(
      "Operation_Not_Supported",
      `SignatureVerify: the ${o.objectType} ${o.id} does not hold a key this server can verify with`,
    );
  }
  const what = signingInput(req, "SignatureVerify");
  if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
  if (!req.SignatureData) fail("Invalid_Message", "SignatureVerify: SignatureData is missing");
  const valid = signer.verify(o, what.data, req.SignatureData, what.prehashed, req.CryptographicParameters);
  return { UniqueIdentifier: o.id, ValidityIndicator: valid ? "Valid" : "Invalid" };
}
