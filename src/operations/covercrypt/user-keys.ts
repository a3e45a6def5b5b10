/**
 * Create with ObjectType PrivateKey and algorithm CoverCrypt: a user decryption key
 * (docs/covercrypt-format.md, "In the KMS"; Cosmian `create_user_decryption_key`). The master secret key is
 * the ParentLink target (an id or a tag list); the caller needs the `get` right on it and it must
 * be Active. The access policy (`cover_crypt_access_policy`, bytes or text) is kept as given, so
 * `AccessPolicyKms.fromKey` returns the caller's string. System tag `_uk`.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import { setVendorAttribute, type Attributes } from "../../kmip/attributes.ts";
import type { Create } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import { utf8 } from "../../crypto/bytes.ts";
import * as cc from "../../crypto/covercrypt/index.ts";
import type { OperationContext } from "../context.ts";
import { initialState, now } from "../common/lifecycle.ts";
import { retrieve } from "../common/retrieve.ts";
import { newId, newObjectAttributes, storedObject, userTags } from "../common/keys.ts";
import {
  ACCESS_POLICY,
  ALGORITHM,
  LEGACY_ACCESS_POLICY,
  POLICY,
  SECRET_FORMAT,
  USER_KEY_TAG,
  accessPolicyBytes,
  ccError,
  ensureRole,
  keyBytes,
  keyObject,
  policyOf,
  roleOf,
} from "./keys.ts";

/** Does this Create ask for a CoverCrypt user key? */
export function isUserKeyRequest(attrs: Attributes): boolean {
  return (
    attrs.CryptographicAlgorithm === ALGORITHM ||
    attrs.KeyFormatType === SECRET_FORMAT ||
    accessPolicyBytes(attrs) !== undefined
  );
}

export async function createUserKey(req: Create, ctx: OperationContext): Promise<KmipRecord> {
  const op = "Create";
  const requested = req.Attributes;
  const parents = (requested.Link ?? []).filter((l) => l.LinkType === "ParentLink");
  if (parents.length !== 1) {
    fail(
      "Invalid_Field",
      `${op}: a CoverCrypt user decryption key needs exactly one ParentLink to its master secret key, got ${parents.length}`,
    );
  }
  const apBytes = accessPolicyBytes(requested);
  if (!apBytes)
    fail(
      "Invalid_Attribute_Value",
      `${op}: a CoverCrypt user decryption key needs the ${ACCESS_POLICY} vendor attribute`,
    );
  let access: string;
  try {
    access = utf8.decode(apBytes);
  } catch {
    fail("Invalid_Attribute_Value", `${op}: the ${ACCESS_POLICY} vendor attribute is not valid UTF-8`);
  }
  if (access.trim() === "") fail("Invalid_Attribute_Value", `${op}: the ${ACCESS_POLICY} vendor attribute is empty`);
  const tags = userTags(requested);
  const id = newId(requested.UniqueIdentifier);

  return ctx.store.atomic(async () => {
    const msk = await retrieve(
      ctx,
      String(parents[0].LinkedObjectIdentifier),
      "get",
      (o) => o.state === "Active" && roleOf(o) === "master-secret",
    );
    ensureRole(msk, "master-secret", op, " (the ParentLink of a user decryption key must name its master secret key)");
    if (msk.state !== "Active") {
      throw new KmipError(
        "Wrong_Key_Lifecycle_State",
        `${op}: the master secret key ${msk.id} is ${msk.state}; only an Active master key can issue user keys`,
      );
    }
    const policy = policyOf(msk, op);
    const mskBytes = keyBytes(msk);
    let usk: Uint8Array;
    try {
      usk = cc.generateUserSecretKey(mskBytes, access, policy);
    } catch (e) {
      throw ccError(op, e, "Invalid_Attribute_Value", `invalid ${ACCESS_POLICY} "${access}"`);
    }
    // one canonical access-policy attribute (bytes, as Cosmian stores it); the policy belongs to the master
    const vendor: Attributes = {
      VendorAttributes: (requested.VendorAttributes ?? []).filter(
        (a) => ![ACCESS_POLICY, LEGACY_ACCESS_POLICY, POLICY].includes(a.AttributeName),
      ),
    };
    setVendorAttribute(vendor, ACCESS_POLICY, apBytes);
    const fields: Partial<Attributes> = {
      CryptographicAlgorithm: ALGORITHM,
      CryptographicLength: usk.length * 8,
      KeyFormatType: SECRET_FORMAT,
      VendorAttributes: vendor.VendorAttributes,
      // the ParentLink may have named the master by tags: store its id (rekey follows it)
      Link: (requested.Link ?? []).map((l) =>
        l.LinkType === "ParentLink" ? { LinkType: "ParentLink", LinkedObjectIdentifier: msk.id } : l,
      ),
    };
    const attrs = newObjectAttributes(requested, fields);
    attrs.State = initialState(attrs, now());
    const stored = storedObject(id, "PrivateKey", keyObject(usk, SECRET_FORMAT), attrs, ctx.user, tags);
    // Cosmian tags user keys `_uk` (not `_sk`)
    stored.tags = [...tags, USER_KEY_TAG];
    await ctx.store.insert(stored);
    ctx.log.debug("created CoverCrypt user key", { op, id, msk: msk.id });
    return { ObjectType: "PrivateKey", UniqueIdentifier: id };
  });
}
