/**
 * Loading objects for an operation: UID resolution (plain id, ID placeholder, or a JSON array of
 * tags), the access check, and the automatic state transitions. Every operation that touches an
 * existing object goes through `retrieve` (house rule 3: authorize, load, act, persist, respond).
 */
import { checkAccess, notFound, type Right } from "../../auth/access.ts";
import { KmipError, type ResultReason } from "../../kmip/error.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { refreshState } from "./lifecycle.ts";
import { keysetMembers, parseKeyset, pick } from "./keyset.ts";

/** Which not-found reason each right reports (Cosmian: object management vs cryptographic use). */
const NOT_FOUND_REASON: Partial<Record<Right, ResultReason>> = {
  get: "Object_Not_Found",
  export: "Object_Not_Found",
  getattributes: "Object_Not_Found",
  setattribute: "Object_Not_Found",
  addattribute: "Object_Not_Found",
  modifyattribute: "Object_Not_Found",
  deleteattribute: "Object_Not_Found",
  activate: "Object_Not_Found",
  validate: "Object_Not_Found",
};

export function notFoundReason(right: Right): ResultReason {
  return NOT_FOUND_REASON[right] ?? "Item_Not_Found";
}

/** The UID a request names, or the batch's ID placeholder; fails when neither exists. */
export function requireUid(uid: string | undefined, ctx: OperationContext): string {
  if (uid !== undefined && uid !== "" && uid !== "IDPlaceholder") return uid;
  if (ctx.idPlaceholder) return ctx.idPlaceholder;
  throw new KmipError("Invalid_Message", "This KMIP server does not yet support place holder id: the UniqueIdentifier is missing");
}

/**
 * Resolves `uid` to the objects the caller may use for `right`. A UID starting with `[` is a JSON
 * array of tags: every visible object carrying all of them. A UID naming no object may name a
 * keyset generation (`name@latest`, `name@N`, bare `name`; see common/keyset.ts).
 */
export async function resolveAll(ctx: OperationContext, uid: string, right: Right): Promise<StoredObject[]> {
  const reason = notFoundReason(right);
  if (!uid.startsWith("[")) {
    const object = await ctx.store.get(uid);
    if (!object) {
      const ref = parseKeyset(uid);
      const members = ref ? pick(await keysetMembers(ctx, ref.name), ref) : [];
      if (members.length === 0) throw notFound(reason, uid);
      const out: StoredObject[] = [];
      for (const m of members) {
        await checkAccess(ctx.store, ctx.user, m, right, reason);
        out.push(await refreshState(ctx, m));
      }
      return out;
    }
    await checkAccess(ctx.store, ctx.user, object, right, reason);
    return [await refreshState(ctx, object)];
  }
  let tags: unknown;
  try {
    tags = JSON.parse(uid);
  } catch {
    throw new KmipError("Invalid_Field", `UniqueIdentifier ${uid} is neither an id nor a JSON array of tags`);
  }
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => typeof t === "string")) {
    throw new KmipError("Invalid_Field", `UniqueIdentifier ${uid} must be a non-empty JSON array of tag strings`);
  }
  const found: StoredObject[] = [];
  for (const id of await ctx.store.idsWithTags(tags)) {
    const object = await ctx.store.get(id);
    if (!object) continue;
    try {
      await checkAccess(ctx.store, ctx.user, object, right, reason);
    } catch {
      continue;
    }
    found.push(await refreshState(ctx, object));
  }
  return found;
}

/** Exactly one object for `uid` (tags must resolve to a single usable object). */
export async function retrieve(
  ctx: OperationContext,
  uid: string | undefined,
  right: Right,
  usable: (o: StoredObject) => boolean = () => true,
): Promise<StoredObject> {
  const id = requireUid(uid, ctx);
  const all = await resolveAll(ctx, id, right);
  const candidates = all.filter(usable);
  if (candidates.length === 1) return candidates[0];
  if (all.length === 1) return all[0]; // let the operation explain why it is unusable
  if (candidates.length === 0) throw notFound(notFoundReason(right), id);
  throw new KmipError("Invalid_Field", `Invalid Request: ${id} resolves to ${candidates.length} valid keys; name one by its id`);
}

/**
 * Every generation of the keyset a bare name designates, newest first, when `uid` is such a name
 * (and no object has that id); undefined otherwise. Decrypt tries them in turn.
 */
export async function keysetChain(ctx: OperationContext, uid: string | undefined, right: Right): Promise<StoredObject[] | undefined> {
  const ref = uid === undefined ? undefined : parseKeyset(uid);
  if (!ref?.bare || (await ctx.store.get(uid!))) return undefined; // UUIDs and tag lists never get here
  const out: StoredObject[] = [];
  for (const m of await keysetMembers(ctx, ref.name)) {
    try {
      await checkAccess(ctx.store, ctx.user, m, right, notFoundReason(right));
      out.push(await refreshState(ctx, m));
    } catch {
      continue;
    }
  }
  return out.length ? out : undefined;
}
