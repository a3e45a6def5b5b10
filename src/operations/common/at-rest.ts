/**
 * Keys stored wrapped (Cosmian's `wrapping_key_id` vendor attribute; docs/security-at-rest.md):
 * Create/Import with `wrapping_key_id = <uid>` store the new key wrapped by that key (the default
 * wrapping of common/wrap.ts: RFC 5649, NoEncoding). Get/Export return the stored (wrapped) form unless
 * asked for KeyWrapType NotWrapped; the cryptographic operations unwrap it for the time of the call
 * (`forUse`). ReKey of a wrapped key wraps the new one with the same key; ReKey of a wrapping key
 * re-wraps, with the new key, every key of the same owner it wraps (`rewrapDependants`).
 */
import { utf8 } from "../../crypto/bytes.ts";
import { setVendorAttribute, vendorAttributeBytes, type Attributes } from "../../kmip/attributes.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { keyBlockOf } from "./keys.ts";
import { isWrapped, unwrapKeyBlock, wrapKeyBlock } from "./wrap.ts";

export const WRAPPING_KEY_ID = "wrapping_key_id";

export function wrappingKeyIdOf(attrs: Attributes | undefined): string | undefined {
  const raw = vendorAttributeBytes(attrs, WRAPPING_KEY_ID);
  const id = raw ? utf8.decode(raw) : undefined;
  return id ? id : undefined;
}

/** `kb` wrapped by `wrappingId` (when given) for storage. */
export async function wrapAtRest(
  kb: KeyBlock,
  id: string,
  wrappingId: string | undefined,
  ctx: OperationContext,
): Promise<KeyBlock> {
  if (!wrappingId || isWrapped(kb)) return kb;
  return wrapKeyBlock(
    kb,
    id,
    { WrappingMethod: "Encrypt", EncryptionKeyInformation: { UniqueIdentifier: wrappingId } },
    ctx,
  );
}

/**
 * The object with usable key material: a copy unwrapped when the server stores it wrapped at rest
 * (it carries `wrapping_key_id`). A key imported wrapped by the client, without that attribute, stays
 * unusable until it is re-imported unwrapped (test/compat/client-wrapping.test.ts pins that).
 */
export async function forUse(ctx: OperationContext, o: StoredObject): Promise<StoredObject> {
  const kb = keyBlockOf(o);
  if (!kb || !isWrapped(kb) || !wrappingKeyIdOf(o.attributes)) return o;
  return { ...o, object: { ...o.object, KeyBlock: await unwrapKeyBlock(kb, ctx) } };
}

/** The id of the key that wraps `o` at rest, if any. */
export function wrapperOf(o: StoredObject): string | undefined {
  const info = keyBlockOf(o)?.KeyWrappingData?.EncryptionKeyInformation;
  return info ? String(info.UniqueIdentifier) : undefined;
}

/**
 * Re-wraps with `newId` the keys of `ctx.user` the server keeps wrapped by `oldId` (after a ReKey of
 * `oldId`); keys imported wrapped by the client stay as registered. Runs inside the caller's
 * transaction. Scans the caller's objects: fine for the numbers involved.
 */
export async function rewrapDependants(ctx: OperationContext, oldId: string, newId: string): Promise<void> {
  for (const id of await ctx.store.locate({ user: ctx.user })) {
    const dep = await ctx.store.get(id);
    if (!dep || dep.owner !== ctx.user || wrapperOf(dep) !== oldId || !wrappingKeyIdOf(dep.attributes)) continue;
    const plain = await unwrapKeyBlock(keyBlockOf(dep)!, ctx);
    const kb = await wrapKeyBlock(
      plain,
      dep.id,
      { WrappingMethod: "Encrypt", EncryptionKeyInformation: { UniqueIdentifier: newId } },
      ctx,
    );
    const attributes = {
      ...dep.attributes,
      Link: [
        ...(dep.attributes.Link ?? []).filter((l) => l.LinkType !== "WrappingKeyLink"),
        { LinkType: "WrappingKeyLink", LinkedObjectIdentifier: newId },
      ],
    };
    setVendorAttribute(attributes, WRAPPING_KEY_ID, newId);
    await ctx.store.update({ ...dep, object: { ...dep.object, KeyBlock: kb }, attributes });
  }
}
