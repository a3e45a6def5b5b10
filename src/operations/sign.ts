/**
 * Sign (KMIP 2.1 §6.1.46): an Active private key with the Sign usage (or no mask / Unrestricted),
 * signed by the scheme that claims the key (schemes.ts: elliptic curves, RSA, ML-DSA / SLH-DSA)
 * over `Data` or `DigestedData`, or streamed (common/signing.ts). Response: SignatureData, or the
 * CorrelationValue while streaming.
 */
import { KmipError } from "../kmip/error.ts";
import type { Sign } from "../kmip/requests-sign.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { ensureCanProtect } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { maskAllows, USAGE } from "./common/keys.ts";
import { signingInput } from "./common/signing.ts";
import { signerFor } from "./schemes.ts";

export async function sign(req: Sign, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(
    ctx,
    req.UniqueIdentifier,
    "sign",
    (x) => x.state === "Active" && x.objectType === "PrivateKey",
  );
  if (o.objectType !== "PrivateKey")
    throw new KmipError(
      "Item_Not_Found",
      `Sign: no valid key for id ${o.id}: it is a ${o.objectType}; sign with a private key`,
    );
  ensureCanProtect(o, "Sign");
  if (!maskAllows(o.attributes.CryptographicUsageMask, USAGE.Sign)) {
    throw new KmipError(
      "Incompatible_Cryptographic_Usage_Mask",
      `Sign: no valid key for id ${o.id}: its usage mask does not allow Sign`,
    );
  }
  const signer = signerFor(o);
  if (!signer) {
    throw new KmipError(
      "Operation_Not_Supported",
      `Sign: the key ${o.id} (${o.attributes.CryptographicAlgorithm ?? "unknown algorithm"}) is not a private key this server can sign with`,
    );
  }
  const what = signingInput(req, "Sign");
  if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
  const signatureData = await signer.sign(o, what.data, what.prehashed, req.CryptographicParameters, ctx);
  ctx.log.debug("signed", { op: "Sign", id: o.id, algorithm: o.attributes.CryptographicAlgorithm });
  return { UniqueIdentifier: o.id, SignatureData: signatureData };
}
