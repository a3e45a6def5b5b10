/**
 * ReKeyKeyPair (KMIP 2.1 §6.1.41): re-keys a key pair. What that means depends on the scheme
 * (CoverCrypt keeps its ids and refreshes its user keys; other pairs get new ids), so the scheme
 * that generates key pairs of the private key's algorithm does the work (schemes.ts).
 */
import { KmipError } from "../kmip/error.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { retrieve } from "./common/retrieve.ts";
import { ensureMayCreate } from "./common/keys.ts";
import type { ReKeyKeyPair } from "../kmip/requests.ts";
import { keyPairsFor } from "./schemes.ts";

export async function rekeyKeyPair(req: ReKeyKeyPair, ctx: OperationContext): Promise<KmipRecord> {
  ensureMayCreate(ctx);
  const load = async () => {
    const privateKey = await retrieve(ctx, req.PrivateKeyUniqueIdentifier, "rekey");
    if (privateKey.objectType !== "PrivateKey") {
      throw new KmipError(
        "Invalid_Object_Type",
        `ReKeyKeyPair: ${privateKey.id} is a ${privateKey.objectType}, not a private key`,
      );
    }
    if (privateKey.id.startsWith("hsm::"))
      throw new KmipError(
        "Operation_Not_Supported",
        `ReKeyKeyPair: ${privateKey.id} is an HSM key pair: create a new pair in the HSM (CreateKeyPair) instead`,
      );
    const algorithm = privateKey.attributes.CryptographicAlgorithm ?? "";
    const handler = keyPairsFor(algorithm)?.rekey;
    if (!handler)
      throw new KmipError(
        "Operation_Not_Supported",
        `ReKeyKeyPair: key pairs of algorithm ${algorithm || "unknown"} cannot be re-keyed`,
      );
    return { privateKey, handler };
  };
  const first = await load();
  const prepared = first.handler.prepare ? await first.handler.prepare(first.privateKey, req, ctx) : undefined;
  return ctx.store.atomic(async () => {
    const { privateKey, handler } = await load();
    if (privateKey.id !== first.privateKey.id || handler !== first.handler) {
      throw new KmipError(
        "Illegal_Operation",
        "ReKeyKeyPair: the key pair changed while its successor was generated; retry",
      );
    }
    return handler(privateKey, req, ctx, prepared);
  });
}
