/**
 * Keysets (Cosmian 5.x key rotation): the generations of a key share a `RotateName` attribute and
 * carry a `RotateGeneration` (0 for the first; ReKey adds one; clients cannot set it). A
 * UniqueIdentifier that is not the id of one of the caller's objects may name one of the caller's
 * keysets instead (see retrieve.ts for the full resolution order):
 *   `name@latest` or bare `name` -> the highest generation, `name@first` / `name@0` -> generation 0,
 *   `name@N` -> generation N.
 * Decrypt given a bare name tries every generation, newest first (data encrypted under an older key
 * still decrypts). UUID-shaped identifiers, tag arrays and `hsm::` ids are never keyset names.
 *
 * A keyset belongs to one owner: its members are the owner's objects with that RotateName, found
 * through the store's name index. Objects shared with the caller (even with `*`) never join it.
 */
import { KmipError } from "../../kmip/error.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";

export interface KeysetRef {
  name: string;
  /** "latest" (also the bare form) or a generation number. */
  version: "latest" | number;
  bare: boolean;
}

/**
 * Ids that start with a UUID are ids, never names: the server makes them (Create: a UUID;
 * CreateKeyPair: `<uuid>_pk` for the public key), and nobody picks one as a keyset name.
 */
const UUID_START = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;

/** May `uid` be a name (of a keyset, or an id a client chose)? Not a UUID-made id, tag list or `hsm::` id. */
export function isNameLike(uid: string): boolean {
  return uid !== "" && !uid.startsWith("[") && !uid.startsWith("hsm::") && !UUID_START.test(uid);
}

export function parseKeyset(uid: string): KeysetRef | undefined {
  if (!isNameLike(uid)) return undefined;
  const at = uid.lastIndexOf("@");
  if (at < 0) return { name: uid, version: "latest", bare: true };
  const name = uid.slice(0, at);
  const suffix = uid.slice(at + 1);
  if (name === "") return undefined;
  if (suffix === "latest") return { name, version: "latest", bare: false };
  if (suffix === "first") return { name, version: 0, bare: false };
  if (!/^\d+$/.test(suffix)) return undefined;
  return { name, version: Number(suffix), bare: false };
}

export const generationOf = (o: StoredObject) => Number(o.attributes.RotateGeneration ?? 0);

/** `owner`'s objects of keyset `name`, in any state (destroyed ones included), newest generation first. */
export async function ownKeyset(ctx: OperationContext, owner: string, name: string): Promise<StoredObject[]> {
  const members: StoredObject[] = [];
  for (const id of await ctx.store.keysetOf(owner, name)) {
    const o = await ctx.store.get(id);
    if (o && o.owner === owner && o.attributes.RotateName === name) members.push(o);
  }
  return members.sort((a, b) => generationOf(b) - generationOf(a));
}

/** The usable (not destroyed) members of `owner`'s keyset `name`, newest generation first. */
export async function keysetMembers(ctx: OperationContext, owner: string, name: string): Promise<StoredObject[]> {
  return (await ownKeyset(ctx, owner, name)).filter(
    (o) => o.state !== "Destroyed" && o.state !== "Destroyed_Compromised",
  );
}

/** The members a reference names: the newest for `latest`, the one of that generation otherwise. */
export function pick(members: StoredObject[], ref: KeysetRef): StoredObject[] {
  if (members.length === 0) return [];
  if (ref.version === "latest") return [members[0]];
  return members.filter((o) => generationOf(o) === ref.version);
}

/** Only the newest generation of a keyset may be re-keyed (ReKey, ReKeyKeyPair, HSM keys alike). */
export async function ensureLatestGeneration(ctx: OperationContext, old: StoredObject, op: string): Promise<void> {
  const rotateName = old.attributes.RotateName as string | undefined;
  if (!rotateName) return;
  const members = await keysetMembers(ctx, old.owner, rotateName);
  if (members.some((m) => m.id !== old.id && generationOf(m) > generationOf(old))) {
    throw new KmipError(
      "Invalid_Field",
      `${op}: key '${old.id}' is not the latest in its keyset ${rotateName}; only the latest generation can be rotated`,
    );
  }
}
