/** Get (KMIP 2.1 §6.1.22): the object, optionally converted or wrapped. */
import type { Get } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { exportObject } from "./common/export.ts";

export function get(req: Get, ctx: OperationContext): Promise<KmipRecord> {
  return exportObject(req, ctx, "Get");
}
