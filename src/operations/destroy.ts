/**
 * Destroy (KMIP 2.1 §6.1.15). The key material is erased from the database for real (the row keeps
 * its attributes and the Destroyed state; with Remove=true the row goes too). An Active key that has
 * an ActivationDate must be revoked first (Cosmian); one created without it may be destroyed directly.
 */
import { KmipError } from "../kmip/error.ts";
import type { Destroy } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import { isDestroyed, now } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import { linkedPairs } from "./common/links.ts";
import { wipe } from "../crypto/bytes.ts";
import { isHsmUid } from "./hsm/uid.ts";

export async function destroy(req: Destroy, ctx: OperationContext): Promise<KmipRecord> {
  if (isHsmUid(req.UniqueIdentifier))
    return (await import("./hsm/keys.ts")).destroyInHsm(req, ctx, req.UniqueIdentifier); // deleted in the HSM
  const response = await ctx.store.atomic(async () => {
    const o = await retrieve(ctx, req.UniqueIdentifier, "destroy");
    if (req.ExpectedObjectType && req.ExpectedObjectType !== o.objectType) {
      throw new KmipError(
        "Invalid_Object_Type",
        `Destroy: ${o.id} is a ${o.objectType}, not a ${req.ExpectedObjectType}`,
      );
    }
    const targets = [o, ...(req.Cascade === false ? [] : await linkedPairs(ctx, o, "destroy"))];
    for (const target of targets) await destroyOne(ctx, target, req.Remove ?? false);
    ctx.log.debug("destroyed", { op: "Destroy", id: o.id, removed: req.Remove ?? false });
    return { UniqueIdentifier: o.id };
  });
  await ctx.store.scrub();
  return response;
}

async function destroyOne(ctx: OperationContext, o: StoredObject, remove: boolean): Promise<void> {
  if (o.state === "Active" && o.attributes.ActivationDate) {
    throw new KmipError(
      "Wrong_Key_Lifecycle_State",
      `Destroy: DENIED: the key ${o.id} is Active; revoke it before destroying it`,
    );
  }
  if (remove) {
    await ctx.store.delete(o.id);
    return;
  }
  if (isDestroyed(o)) return;
  wipeMaterial(o.object);
  const state = o.state === "Compromised" ? "Destroyed_Compromised" : "Destroyed";
  const t = now();
  await ctx.store.update({
    ...o,
    object: stripMaterial(o.object),
    state,
    attributes: { ...o.attributes, State: state, DestroyDate: t, LastChangeDate: t },
  });
}

/** The object without any secret: key blocks lose their KeyValue, other objects their value. */
function stripMaterial(object: KmipRecord): KmipRecord {
  const out: KmipRecord = {};
  for (const [k, v] of Object.entries(object)) {
    if (k === "KeyBlock" && v && typeof v === "object") {
      const { KeyValue: _kv, KeyWrappingData: _wd, ...rest } = v as KmipRecord;
      out[k] = rest;
    } else if (!(v instanceof Uint8Array)) out[k] = v;
  }
  return out;
}

function wipeMaterial(value: unknown): void {
  if (value instanceof Uint8Array) wipe(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) wipeMaterial(v);
}
