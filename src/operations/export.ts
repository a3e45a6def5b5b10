/** Export (KMIP 2.1 §6.1.21): like Get, with the attributes, and allowed on Deactivated objects. */
import type { Get } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { exportObject } from "./common/export.ts";

export function exportOp(req: Get, ctx: OperationContext): Promise<KmipRecord> {
  return exportObject(req, ctx, "Export");
}
