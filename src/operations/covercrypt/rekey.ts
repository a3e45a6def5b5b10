/**
 * ReKeyKeyPair on a CoverCrypt master secret key, driven by the `cover_crypt_rekey_action` vendor
 * attribute (docs/covercrypt-format.md, "Rekeying" and "In the KMS"): RekeyAccessPolicy,
 * PruneAccessPolicy, AddAttribute, DisableAttribute, RemoveAttribute (Cosmian 5 spells it
 * DeleteAttribute) and RenameAttribute.
 *
 * Cosmian's semantics: the master keys keep their ids; their bytes and their `cover_crypt_policy`
 * change; then every user key whose ParentLink names this master secret key is refreshed from its
 * own key content (cover_crypt `refresh_usk`, keeping old rights), never from its access-policy
 * attribute, so a key imported with a forged access policy gains nothing. A key that does not
 * belong to this master (KMAC mismatch), is wrapped, compromised or destroyed is left untouched.
 * Everything runs in the one transaction the generic handler opened.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import { vendorAttributeBytes } from "../../kmip/attributes.ts";
import type { ReKeyKeyPair } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { equalBytes, utf8 } from "../../crypto/bytes.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import type { OperationContext } from "../context.ts";
import { linkTarget } from "../common/links.ts";
import { isDestroyed } from "../common/lifecycle.ts";
import { SYSTEM_TAG } from "../common/keys.ts";
import {
  REKEY_ACTION,
  USER_KEY_TAG,
  ccError,
  ensurePartitionLimit,
  ensureRole,
  isCoverCryptKey,
  keyBytes,
  policyOf,
  withKeyBytes,
} from "./keys.ts";

const OP = "ReKeyKeyPair";
const REFRESHABLE = new Set(["PreActive", "Active", "Deactivated"]);

function readAction(req: ReKeyKeyPair): cc.RekeyAction {
  const raw =
    vendorAttributeBytes(req.PrivateKeyAttributes, REKEY_ACTION) ??
    vendorAttributeBytes(req.CommonAttributes, REKEY_ACTION) ??
    vendorAttributeBytes(req.PublicKeyAttributes, REKEY_ACTION);
  if (!raw)
    fail(
      "Invalid_Attribute_Value",
      `${OP}: re-keying a CoverCrypt master key needs the ${REKEY_ACTION} vendor attribute`,
    );
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    fail("Invalid_Attribute_Value", `${OP}: the ${REKEY_ACTION} vendor attribute is not valid UTF-8`);
  }
  // Cosmian 5.x names RemoveAttribute `DeleteAttribute`
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === "object" && !Array.isArray(json)) {
      const keys = Object.keys(json);
      if (keys.length === 1 && keys[0] === "DeleteAttribute")
        text = JSON.stringify({ RemoveAttribute: (json as Record<string, unknown>).DeleteAttribute });
    }
  } catch {
    // not JSON: the parser below reports it
  }
  try {
    return cc.parseRekeyAction(text);
  } catch (e) {
    throw ccError(OP, e, "Invalid_Attribute_Value", `invalid ${REKEY_ACTION}`);
  }
}

/** The user keys whose ParentLink names `mskId` (created ones carry `_uk`, imported ones `_sk`). */
async function userKeysOf(ctx: OperationContext, mskId: string): Promise<StoredObject[]> {
  const ids = new Set([
    ...(await ctx.store.idsWithTags([USER_KEY_TAG])),
    ...(await ctx.store.idsWithTags([SYSTEM_TAG.PrivateKey])),
  ]);
  const found: StoredObject[] = [];
  for (const id of ids) {
    if (id === mskId) continue;
    const o = await ctx.store.get(id);
    if (o && o.objectType === "PrivateKey" && isCoverCryptKey(o) && linkTarget(o, "ParentLink") === mskId)
      found.push(o);
  }
  return found;
}

export async function rekeyMasterKeyPair(
  mskObject: StoredObject,
  req: ReKeyKeyPair,
  ctx: OperationContext,
): Promise<KmipRecord> {
  ensureRole(mskObject, "master-secret", OP, "; re-key the master secret key of the pair");
  if (mskObject.state !== "Active") {
    throw new KmipError(
      "Wrong_Key_Lifecycle_State",
      `${OP}: the master secret key ${mskObject.id} is ${mskObject.state}; only Active master keys can be re-keyed`,
    );
  }
  const action = readAction(req);
  const mpkId = linkTarget(mskObject, "PublicKeyLink");
  const mpkObject = mpkId ? await ctx.store.get(mpkId) : undefined;
  if (!mpkObject)
    throw new KmipError(
      "Item_Not_Found",
      `${OP}: the master public key of ${mskObject.id} was not found (PublicKeyLink ${mpkId ?? "missing"})`,
    );
  ensureRole(mpkObject, "master-public", OP);
  if (isDestroyed(mpkObject)) {
    throw new KmipError(
      "Wrong_Key_Lifecycle_State",
      `${OP}: the master public key ${mpkObject.id} of ${mskObject.id} has been destroyed`,
    );
  }

  const policy = policyOf(mskObject, OP);
  let next: { policy: cc.Policy; mskBytes: Uint8Array; mpkBytes: Uint8Array };
  let msk: cc.MasterSecretKey | undefined;
  try {
    msk = cc.serialize.deserializeMasterSecretKey(keyBytes(mskObject));
    if ("AddAttribute" in action) {
      // policy edits are cheap; check the grown universe before any key is generated
      ensurePartitionLimit(
        action.AddAttribute.reduce((p, [a, hint]) => cc.policyEdit.addAttribute(p, a, hint), policy),
        OP,
      );
    }
    const mpk = cc.serialize.deserializeMasterPublicKey(keyBytes(mpkObject));
    const r = cc.applyRekeyAction(policy, msk, mpk, action);
    next = {
      policy: r.policy,
      mskBytes: cc.serialize.serializeMasterSecretKey(r.msk),
      mpkBytes: cc.serialize.serializeMasterPublicKey(r.mpk),
    };
    cc.serialize.wipeMasterSecretKey(r.msk);
  } catch (e) {
    throw ccError(OP, e, "Invalid_Attribute_Value", `cannot apply ${Object.keys(action)[0]}`);
  } finally {
    if (msk) cc.serialize.wipeMasterSecretKey(msk);
  }
  const policyBytes = cc.policy.toBytes(next.policy);
  await ctx.store.update(withKeyBytes(mskObject, next.mskBytes, policyBytes));
  await ctx.store.update(withKeyBytes(mpkObject, next.mpkBytes, policyBytes));

  let refreshed = 0;
  for (const uk of await userKeysOf(ctx, mskObject.id)) {
    if (!REFRESHABLE.has(uk.state)) continue;
    let old: Uint8Array;
    let fresh: Uint8Array;
    try {
      old = keyBytes(uk);
      fresh = cc.refreshUserSecretKey(next.mskBytes, old, true);
    } catch (e) {
      // wrapped, or not issued by this master key (its KMAC does not verify): leave it as it is
      ctx.log.warn("CoverCrypt user key not refreshed", {
        op: OP,
        id: uk.id,
        msk: mskObject.id,
        reason: e instanceof Error ? e.message : String(e),
      });
      continue;
    }
    if (equalBytes(old, fresh)) continue;
    await ctx.store.update(withKeyBytes(uk, fresh));
    refreshed++;
  }
  ctx.log.debug("re-keyed CoverCrypt master keys", {
    op: OP,
    msk: mskObject.id,
    mpk: mpkObject.id,
    action: Object.keys(action)[0],
    refreshed,
  });
  return { PrivateKeyUniqueIdentifier: mskObject.id, PublicKeyUniqueIdentifier: mpkObject.id };
}
