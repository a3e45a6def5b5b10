/**
 * HSM object ids, as Cosmian names them: `hsm::<slot_id>::<key_id>` or `hsm::<model>::<slot_id>::<key_id>`
 * (the key id may itself contain `::`, e.g. a keyset generation `name::1`).
 */
import { KmipError } from "../../kmip/error.ts";
import type { Hsm } from "../../hsm/pkcs11.ts";
import type { OperationContext } from "../context.ts";

export interface HsmRef {
  uid: string;
  slot: string;
  keyId: string;
}

/** What operations need of the configured HSM (set in the server's settings when one is configured). */
export interface HsmRuntime {
  hsm: Hsm;
  /** Users who may create, destroy and grant HSM objects (`hsm_admin`). */
  admins: string[];
  /** The key-encryption key sealing the database (never destroyed through the API). */
  kek?: string;
}

export const isHsmUid = (uid: string | undefined): uid is string => typeof uid === "string" && uid.startsWith("hsm::");

export function parseHsmUid(uid: string): HsmRef {
  const parts = uid.split("::");
  // hsm::<slot>::<key_id...> or hsm::<model>::<slot>::<key_id...>
  const [slot, rest] = /^\d+$/.test(parts[1] ?? "") ? [parts[1], parts.slice(2)] : [parts[2], parts.slice(3)];
  const keyId = rest.join("::");
  if (!slot || !/^\d+$/.test(slot) || keyId === "" || keyId.length > 128) {
    throw new KmipError(
      "Invalid_Field",
      `${uid} is not an HSM object id: use hsm::<slot_id>::<key_id> (a decimal slot id and a key id of 1 to 128 characters)`,
    );
  }
  return { uid, slot, keyId };
}

/** The configured HSM, or a clear error when none is. */
export function hsmOf(ctx: OperationContext, uid: string): HsmRuntime {
  const rt = ctx.settings.hsm;
  if (!rt)
    throw new KmipError(
      "Invalid_Field",
      `No HSM is configured: the UniqueIdentifier ${uid} names an HSM object (hsm:: prefix)`,
    );
  return rt;
}

/** The id parsed, with its slot checked against the configured ones. */
export function resolveHsmRef(ctx: OperationContext, uid: string): HsmRef & { rt: HsmRuntime } {
  const rt = hsmOf(ctx, uid);
  const ref = parseHsmUid(uid);
  if (!rt.hsm.hasSlot(ref.slot)) {
    throw new KmipError(
      "Item_Not_Found",
      `${uid}: HSM slot ${ref.slot} is not accessible (configured slots: ${rt.hsm.slots.join(", ")})`,
    );
  }
  return { ...ref, rt };
}

export const isHsmAdmin = (ctx: OperationContext) => !!ctx.settings.hsm?.admins.includes(ctx.user);
