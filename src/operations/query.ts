/** Query (KMIP 2.1 §6.1.37): operations and object types served, and who we are. */
import type { Query } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { SERVED_OPERATIONS } from "./dispatch.ts";
const OBJECT_TYPES = ["Certificate", "SymmetricKey", "PrivateKey", "PublicKey", "SecretData", "OpaqueObject"];

export async function query(req: Query, ctx: OperationContext): Promise<KmipRecord> {
  const functions = new Set(req.QueryFunction ?? []);
  const all = functions.size === 0;
  const response: KmipRecord = {};
  if (all || functions.has("QueryOperations")) response.Operation = [...SERVED_OPERATIONS];
  if (all || functions.has("QueryObjects")) response.ObjectType = OBJECT_TYPES;
  if (all || functions.has("QueryServerInformation")) {
    response.VendorIdentification = ctx.settings.vendorId;
    response.ServerInformation = { ServerName: "TS KMS", ServerVersion: ctx.settings.version };
  }
  return response;
}
