/**
 * Object states (KMIP 2.1 §3.22, with Cosmian's rules; docs/lifecycle.md).
 *
 * PreActive -> Active (Activate, or ActivationDate reached) -> Deactivated / Compromised (Revoke,
 * DeactivationDate reached) -> Destroyed / Destroyed_Compromised (Destroy).
 */
import { KmipError } from "../../kmip/error.ts";
import type { Attributes } from "../../kmip/attributes.ts";
import type { ObjectState, StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import type { WireDialect } from "../../kmip/wire.ts";

export function now(): Date {
  const d = new Date();
  d.setMilliseconds(0); // KMIP DateTime has second precision
  return d;
}

/**
 * State of a new object: Active unless its ActivationDate lies in the future.
 * Without an ActivationDate our default is Active (cloudproof_kms_js never sends one and must be able
 * to encrypt with what it created); a request in Cosmian 5.x's wire form (`wire` "kmip-v5") follows
 * Cosmian 5.x instead: PreActive until activated (docs/lifecycle.md).
 */
export function initialState(attrs: Attributes, at: Date, wire?: WireDialect): ObjectState {
  if (!attrs.ActivationDate) return wire === "kmip-v5" ? "PreActive" : "Active";
  if (attrs.ActivationDate.getTime() > at.getTime()) return "PreActive";
  return "Active";
}

/** Applies date-driven transitions (activation and deactivation dates reached) and persists them. */
export async function refreshState(ctx: OperationContext, o: StoredObject): Promise<StoredObject> {
  const t = Date.now();
  let state = o.state;
  if (state === "PreActive" && o.attributes.ActivationDate && o.attributes.ActivationDate.getTime() <= t)
    state = "Active";
  if (state === "Active" && o.attributes.DeactivationDate && o.attributes.DeactivationDate.getTime() <= t)
    state = "Deactivated";
  if (state === o.state) return o;
  const updated = { ...o, state, attributes: { ...o.attributes, State: state } };
  await ctx.store.update(updated);
  return updated;
}

export const isDestroyed = (o: StoredObject) => o.state === "Destroyed" || o.state === "Destroyed_Compromised";

/**
 * Encrypt, sign, MAC, wrap: Active keys only. As in Cosmian, a key in another state is not a
 * candidate at all, so the reason is Item_Not_Found; the message says which state it is in.
 */
export function ensureCanProtect(o: StoredObject, what: string): void {
  if (o.state !== "Active") {
    throw new KmipError(
      "Item_Not_Found",
      `${what}: no valid key for id ${o.id}: not found in a usable state (it is ${o.state}; only Active keys can be used)`,
    );
  }
}

/** Decrypt, verify, unwrap: Active, Deactivated or Compromised keys. */
export function ensureCanUnprotect(o: StoredObject, what: string): void {
  if (o.state !== "Active" && o.state !== "Deactivated" && o.state !== "Compromised") {
    throw new KmipError(
      "Item_Not_Found",
      `${what}: no valid key for id ${o.id}: failed to retrieve the key in a usable state (it is ${o.state}; Active, Deactivated or Compromised keys only)`,
    );
  }
}

export function withState(o: StoredObject, state: ObjectState, extra: Partial<Attributes> = {}): StoredObject {
  return { ...o, state, attributes: { ...o.attributes, ...extra, State: state, LastChangeDate: now() } };
}
