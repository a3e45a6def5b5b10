/** Following links between objects (key pair halves, replaced keys, certificate <-> key). */
import { checkAccess, type Right } from "../../auth/access.ts";
import type { Link } from "../../kmip/attributes.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { refreshState } from "./lifecycle.ts";
import { notFoundReason } from "./retrieve.ts";

/**
 * The links of a key made to replace `old` (ReKey): ReplacedObjectLink -> old first (Cosmian lists the
 * replacement links first and its corpus reads the first Link), then the old key's other links.
 */
export function successorLinks(old: StoredObject): Link[] {
  return [
    { LinkType: "ReplacedObjectLink", LinkedObjectIdentifier: old.id },
    ...(old.attributes.Link ?? []).filter(
      (l) => l.LinkType !== "ReplacementObjectLink" && l.LinkType !== "ReplacedObjectLink",
    ),
  ];
}

/** The links of `old` once `successorId` replaces it: ReplacementObjectLink -> successor first, an earlier one dropped. */
export function replacedLinks(old: StoredObject, successorId: string): Link[] {
  return [
    { LinkType: "ReplacementObjectLink", LinkedObjectIdentifier: successorId },
    ...(old.attributes.Link ?? []).filter((l) => l.LinkType !== "ReplacementObjectLink"),
  ];
}

export function linkTarget(o: StoredObject, linkType: string): string | undefined {
  const l = o.attributes.Link?.find((x) => x.LinkType === linkType);
  return l === undefined ? undefined : String(l.LinkedObjectIdentifier);
}

const PAIR_LINK: Record<string, [mine: string, theirs: string]> = {
  PrivateKey: ["PublicKeyLink", "PrivateKeyLink"],
  PublicKey: ["PrivateKeyLink", "PublicKeyLink"],
};

/**
 * The other half of a key pair, for a cascading Revoke/Destroy, when the caller may act on it too.
 * Only a true pair counts: the two objects link to each other by their exact ids (as CreateKeyPair
 * and ReKeyKeyPair make them; clients cannot write these links) and have the same owner. So a
 * cascade never reaches a key of someone else, nor an unrelated key of the same owner.
 */
export async function linkedPairs(ctx: OperationContext, o: StoredObject, right: Right): Promise<StoredObject[]> {
  const pairLink = PAIR_LINK[o.objectType];
  const otherId = pairLink && linkTarget(o, pairLink[0]);
  if (!otherId) return [];
  const other = await ctx.store.get(otherId);
  if (
    !other ||
    other.owner !== o.owner ||
    PAIR_LINK[other.objectType]?.[0] !== pairLink[1] ||
    linkTarget(other, pairLink[1]) !== o.id
  )
    return [];
  try {
    await checkAccess(ctx.store, ctx.user, other, right, notFoundReason(right));
  } catch {
    return [];
  }
  return [await refreshState(ctx, other)];
}
