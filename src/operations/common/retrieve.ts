/**
 * Loading objects for an operation: UID resolution (plain id, ID placeholder, or a JSON array of
 * tags), the access check, and the automatic state transitions. Every operation that touches an
 * existing object goes through `retrieve` (authorize, load, act, persist, respond).
 */
import { checkAccess, notFound, type Right } from "../../auth/access.ts";
import { KmipError, type ResultReason } from "../../kmip/error.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { isDestroyed, refreshState } from "./lifecycle.ts";
import { isNameLike, keysetMembers, ownKeyset, parseKeyset, pick } from "./keyset.ts";
import { isHsmUid } from "../hsm/uid.ts";

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
  throw new KmipError(
    "Invalid_Message",
    "This KMIP server does not yet support place holder id: the UniqueIdentifier is missing",
  );
}

/**
 * Resolves `uid` to the objects the caller may use for `right`. Names only ever reach the caller's
 * own objects; an object that reaches the caller through a grant must be named by its exact id:
 * 1. a JSON array of tags (`[...]`): the caller's own objects carrying all of them;
 * 2. an id starting with a UUID (as the server makes them) or `hsm::`: that object, subject to the
 *    access check (grants to `*` included);
 * 3. anything else may be a name: the caller's own object with that exact id; else the caller's own
 *    keyset of that name (`name`, `name@latest`, `name@N`; see keyset.ts), which therefore wins over
 *    a foreign object whose id is the same text (no id squatting); else a foreign object with that
 *    exact id, only when its owner granted the caller a right by name (a grant to `*` alone is not
 *    enough: anyone can create such an object and share it with everybody); else not found.
 * "Not found" is the same answer whether the id is missing or belongs to someone else.
 */
export async function resolveAll(ctx: OperationContext, uid: string, right: Right): Promise<StoredObject[]> {
  const reason = notFoundReason(right);
  if (uid.startsWith("[")) return resolveTags(ctx, uid, right);
  // an hsm:: id: an unknown slot (or no HSM) is said so; a key provisioned in the HSM outside the server is adopted
  const object =
    (await ctx.store.get(uid)) ??
    (isHsmUid(uid) ? await (await import("../hsm/keys.ts")).adoptHsmKey(ctx, uid) : undefined);
  const ref = parseKeyset(uid);
  if (object && (!isNameLike(uid) || object.owner === ctx.user)) return [await usable(ctx, object, right)];
  const own = ref ? await ownKeyset(ctx, ctx.user, ref.name) : [];
  if (ref && own.length > 0) {
    const members = pick(
      own.filter((o) => !isDestroyed(o)),
      ref,
    );
    if (members.length === 0) throw notFound(reason, uid);
    return Promise.all(members.map((m) => usable(ctx, m, right)));
  }
  if (object && (await grantedByName(ctx, object))) return [await usable(ctx, object, right)];
  throw notFound(reason, uid);
}

/** After the access check, with date-driven state changes applied. */
async function usable(ctx: OperationContext, o: StoredObject, right: Right): Promise<StoredObject> {
  await checkAccess(ctx.store, ctx.user, o, right, notFoundReason(right));
  return refreshState(ctx, o);
}

/** Did the owner grant the caller a right on `o` by name (not merely to `*`)? */
async function grantedByName(ctx: OperationContext, o: StoredObject): Promise<boolean> {
  return (await ctx.store.grantsOn(o.id)).some((g) => g.userId === ctx.user && g.operations.length > 0);
}

async function resolveTags(ctx: OperationContext, uid: string, right: Right): Promise<StoredObject[]> {
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
  for (const id of await ctx.store.idsWithTags(tags, ctx.user)) {
    const object = await ctx.store.get(id);
    if (object?.owner === ctx.user) found.push(await usable(ctx, object, right));
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
  throw new KmipError(
    "Invalid_Field",
    `Invalid Request: ${id} resolves to ${candidates.length} valid keys; name one by its id`,
  );
}

/**
 * Every usable generation of the caller's own keyset a bare name designates, newest first, when
 * `uid` resolves to that keyset (see resolveAll); undefined otherwise. Decrypt tries them in turn.
 */
export async function keysetChain(
  ctx: OperationContext,
  uid: string | undefined,
  right: Right,
): Promise<StoredObject[] | undefined> {
  const ref = uid === undefined ? undefined : parseKeyset(uid);
  if (!ref?.bare) return undefined; // UUIDs and tag lists never get here
  if ((await ctx.store.get(uid!))?.owner === ctx.user) return undefined; // the caller's own object of that id
  const members = await keysetMembers(ctx, ctx.user, ref.name);
  if (members.length === 0) return undefined;
  return Promise.all(members.map((m) => usable(ctx, m, right)));
}
