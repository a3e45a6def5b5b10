/**
 * Keysets (Cosmian 5.x key rotation, cosmian-kms-server.md §4.4): the generations of a key share a
 * `RotateName` attribute and carry a `RotateGeneration` (0 for the first; ReKey adds one). A
 * UniqueIdentifier that names no object may name a keyset instead:
 *   `name@latest` or bare `name` -> the highest generation, `name@first` / `name@0` -> generation 0,
 *   `name@N` -> generation N.
 * Decrypt given a bare name tries every generation, newest first (data encrypted under an older key
 * still decrypts). UUID-shaped identifiers, tag arrays and `hsm::` ids are never keyset names.
 *
 * Members are found by scanning the objects the caller may see (LocateQuery); fine for the key
 * counts a keyset user has, to be replaced by an indexed query if that ever matters.
 */
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";

export interface KeysetRef {
  name: string;
  /** "latest" (also the bare form) or a generation number. */
  version: "latest" | number;
  bare: boolean;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function parseKeyset(uid: string): KeysetRef | undefined {
  if (uid === "" || uid.startsWith("[") || uid.startsWith("hsm::")) return undefined;
  const at = uid.lastIndexOf("@");
  if (at < 0) return UUID.test(uid) ? undefined : { name: uid, version: "latest", bare: true };
  const name = uid.slice(0, at);
  const suffix = uid.slice(at + 1);
  if (name === "" || UUID.test(name)) return undefined;
  if (suffix === "latest") return { name, version: "latest", bare: false };
  if (suffix === "first") return { name, version: 0, bare: false };
  if (!/^\d+$/.test(suffix)) return undefined;
  return { name, version: Number(suffix), bare: false };
}

export const generationOf = (o: StoredObject) => Number(o.attributes.RotateGeneration ?? 0);

/** The keyset's objects the caller may see (not destroyed), newest generation first. */
export async function keysetMembers(ctx: OperationContext, name: string): Promise<StoredObject[]> {
  const members: StoredObject[] = [];
  for (const id of await ctx.store.locate({ user: ctx.user })) {
    const o = await ctx.store.get(id);
    if (o && o.attributes.RotateName === name) members.push(o);
  }
  return members.sort((a, b) => generationOf(b) - generationOf(a));
}

/** The members a reference names: the newest for `latest`, the one of that generation otherwise. */
export function pick(members: StoredObject[], ref: KeysetRef): StoredObject[] {
  if (members.length === 0) return [];
  if (ref.version === "latest") return [members[0]];
  return members.filter((o) => generationOf(o) === ref.version);
}
