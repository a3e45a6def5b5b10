/**
 * Access rights: the ONE place that decides whether a caller may use an object.
 *
 * The owner may do anything. Others need a grant for the operation, given to them or to the
 * wildcard user `*`. `get` implies the other non-strict operations (encrypt, decrypt, sign, ...), as
 * in Cosmian; the strict ones need their own grant: revoke, destroy, rekey and, unlike Cosmian, the
 * attribute writes (setattribute, addattribute, modifyattribute, deleteattribute), since reading a
 * key must not let anyone change its links, usage mask or sensitivity. Any grant allows
 * getattributes. (docs/security-resolution-and-rights.md has the whole model.)
 *
 * Not found versus denied, decided once: a caller with no right on an object is answered as if it
 * did not exist (the operation's not-found reason), so existence is never revealed. A caller who
 * holds some grant on the object already knows it exists: the reason stays the same (Cosmian's
 * clients and test corpus expect it) but the failure is marked `forbidden` (HTTP 403).
 */
import { KmipError, type ResultReason } from "../kmip/error.ts";
import type { ObjectStore, StoredObject } from "../store/store.ts";

/** Operation rights, as Cosmian spells them on the /access routes. */
export const RIGHTS = [
  "create",
  "certify",
  "decrypt",
  "derivekey",
  "destroy",
  "encrypt",
  "export",
  "get",
  "getattributes",
  "hash",
  "import",
  "locate",
  "mac",
  "revoke",
  "rekey",
  "sign",
  "signatureverify",
  "validate",
  "setattribute",
  "modifyattribute",
  "addattribute",
  "deleteattribute",
  "activate",
] as const;
export type Right = (typeof RIGHTS)[number];

const STRICT = new Set<Right>([
  "revoke",
  "destroy",
  "rekey",
  "setattribute",
  "addattribute",
  "modifyattribute",
  "deleteattribute",
]);
const RIGHT_SET = new Set<string>(RIGHTS);

/** `get_attributes`, `GetAttributes` and `getattributes` name the same right. */
export function parseRight(name: string): Right | undefined {
  const normal = name.replace(/[_\s-]/g, "").toLowerCase();
  return RIGHT_SET.has(normal) ? (normal as Right) : undefined;
}

export function notFound(reason: ResultReason, uid: string): KmipError {
  return new KmipError(reason, `${reason === "Object_Not_Found" ? "Object" : "Item"} not found: ${uid}`);
}

/** Throws unless `user` may perform `right` on `object`. */
export async function checkAccess(
  store: ObjectStore,
  user: string,
  object: StoredObject,
  right: Right,
  notFoundReason: ResultReason,
): Promise<void> {
  if (object.owner === user) return;
  const held = await store.operationsOf(object.id, user);
  if (held.has(right)) return;
  // Get implies the other non-strict rights, except on HSM objects (hsm:: ids): each right is granted alone
  if (!STRICT.has(right) && held.has("get") && !object.id.startsWith("hsm::")) return;
  if (right === "getattributes" && held.size > 0) return;
  if (held.size === 0) throw notFound(notFoundReason, object.id);
  throw new KmipError(notFoundReason, `Permission denied: ${user} may not ${right} ${object.id}`, "forbidden");
}

/**
 * May `user` create or import objects? Everyone may, unless privileged users are configured: then
 * only they may (403 for the others, who are authenticated and merely lack the right).
 */
export function checkMayCreate(user: string, privilegedUsers: readonly string[] | undefined): void {
  if (privilegedUsers && privilegedUsers.length > 0 && !privilegedUsers.includes(user)) {
    throw new KmipError(
      "Permission_Denied",
      `Permission denied: ${user} may not create objects (not a privileged user)`,
      "forbidden",
    );
  }
}
