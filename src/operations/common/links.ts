/** Following links between objects (key pair halves, replaced keys, certificate <-> key). */
import type { Right } from "../../auth/access.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { retrieve } from "./retrieve.ts";

export function linkTarget(o: StoredObject, linkType: string): string | undefined {
  const l = o.attributes.Link?.find((x) => x.LinkType === linkType);
  return l === undefined ? undefined : String(l.LinkedObjectIdentifier);
}

/** The other half of a key pair, when the caller may act on it too. */
export async function linkedPairs(ctx: OperationContext, o: StoredObject, right: Right): Promise<StoredObject[]> {
  const other = linkTarget(o, o.objectType === "PrivateKey" ? "PublicKeyLink" : o.objectType === "PublicKey" ? "PrivateKeyLink" : "");
  if (!other) return [];
  try {
    return [await retrieve(ctx, other, right)];
  } catch {
    return [];
  }
}
