/**
 * Locate (KMIP 2.1 §6.1.27): ids of the objects the caller may see that match every given
 * attribute. Tags (the `tag` vendor attribute) must all be present. Destroyed objects are left out
 * unless State asks for them. Name and Link criteria go through the store's indexes (no scan).
 * LocatedItems is the number returned, as Cosmian does.
 */
import type { Locate } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import { tagsOf } from "./common/keys.ts";

export const MAX_LOCATE_ITEMS = 1000;

/** Rotation attributes Locate matches (KMIP 2.1 §4.50-4.55): a keyset's name, its latest generation. */
const ROTATION = ["RotateName", "RotateLatest", "RotateGeneration", "RotateAutomatic"] as const;
/** An absent RotateLatest means latest (a key never rotated); an absent RotateGeneration means 0. */
const ROTATION_DEFAULTS: Record<string, unknown> = { RotateLatest: true, RotateGeneration: 0, RotateAutomatic: false };

export async function locate(req: Locate, ctx: OperationContext): Promise<KmipRecord> {
  const a = req.Attributes;
  const tags = tagsOf(a);
  const offset = req.OffsetItems ?? 0;
  const max = Math.min(req.MaximumItems || MAX_LOCATE_ITEMS, MAX_LOCATE_ITEMS);
  // Names and links are looked up through the store's indexes; these remaining filters need the objects.
  const needsObject =
    a.UniqueIdentifier ||
    a.ObjectGroup ||
    a.CryptographicUsageMask ||
    ROTATION.some((r) => (a as KmipRecord)[r] !== undefined);
  const ids = await ctx.store.locate({
    names: a.Name?.map((n) => n.NameValue),
    links: a.Link?.map((l) => ({ linkType: l.LinkType, target: String(l.LinkedObjectIdentifier) })),
    // Without filters that need the objects, the database pages for us.
    limit: needsObject ? undefined : offset + max,
    user: ctx.user,
    tags,
    objectType: a.ObjectType,
    cryptographicAlgorithm: a.CryptographicAlgorithm,
    cryptographicLength: a.CryptographicLength,
    keyFormatType: a.KeyFormatType,
    state: a.State,
  });
  let matched = ids;
  if (needsObject) {
    matched = [];
    for (const id of ids) {
      const o = await ctx.store.get(id);
      if (o && matches(o, req)) matched.push(id);
    }
  }
  const page = matched.slice(offset, offset + max);
  return { LocatedItems: page.length, UniqueIdentifier: page };
}

function matches(o: StoredObject, req: Locate): boolean {
  const a = req.Attributes;
  if (a.UniqueIdentifier && o.id !== a.UniqueIdentifier) return false;
  if (a.ObjectGroup && o.attributes.ObjectGroup !== a.ObjectGroup) return false;
  if (
    a.CryptographicUsageMask &&
    ((o.attributes.CryptographicUsageMask ?? 0) & a.CryptographicUsageMask) !== a.CryptographicUsageMask
  )
    return false;
  for (const r of ROTATION) {
    const wanted = (a as KmipRecord)[r];
    if (wanted === undefined) continue;
    const held = (o.attributes as KmipRecord)[r] ?? (r === "RotateName" ? undefined : ROTATION_DEFAULTS[r]);
    if (held === undefined || String(held) !== String(wanted)) return false;
  }
  return true;
}
