/** Activate (KMIP 2.1 §6.1.3): PreActive -> Active. */
import { KmipError } from "../kmip/error.ts";
import type { Activate } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { now, withState } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";

export async function activate(req: Activate, ctx: OperationContext): Promise<KmipRecord> {
  return ctx.store.atomic(async () => {
    const o = await retrieve(ctx, req.UniqueIdentifier, "activate");
    if (o.state === "Active")
      throw new KmipError("Wrong_Key_Lifecycle_State", `Activate: the object ${o.id} is already active`);
    if (o.state !== "PreActive")
      throw new KmipError(
        "Wrong_Key_Lifecycle_State",
        `Activate: the object ${o.id} is ${o.state} and cannot be activated`,
      );
    await ctx.store.update(withState(o, "Active", { ActivationDate: now() }));
    return { UniqueIdentifier: o.id };
  });
}
