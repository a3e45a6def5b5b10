/**
 * DeriveKey (KMIP 2.1 §6.1.12): a new SymmetricKey or SecretData from an Active base key or secret
 * (as Cosmian KMS does), by PBKDF2 (password = base key bytes, Salt required, IterationCount
 * default 600 000) or HKDF (IKM = base key bytes, optional Salt, info = DerivationData). The hash is
 * DerivationParameters.CryptographicParameters.HashingAlgorithm (or HashingAlgorithm placed directly
 * in DerivationParameters), SHA-256 by default. The base needs the DeriveKey usage and right; the new
 * object links back to it (DerivationBaseObjectLink) and the base gets a DerivedKeyLink.
 */
import { KmipError, fail } from "../kmip/error.ts";
import type { DeriveKey } from "../kmip/requests-more.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import * as kdf from "../crypto/kdf.ts";
import { fromKmipName } from "../crypto/hash.ts";
import type { OperationContext } from "./context.ts";
import { ensureCanProtect, initialState, now } from "./common/lifecycle.ts";
import { retrieve } from "./common/retrieve.ts";
import {
  ensureMayCreate,
  keyBlockOf,
  keyMaterialBytes,
  newId,
  newObjectAttributes,
  storedObject,
  USAGE,
  userTags,
} from "./common/keys.ts";
import { cryptoError } from "./common/symmetric.ts";
import { forUse } from "./common/at-rest.ts";
import { checkSymmetricLength, symmetricObject } from "./symmetric/create.ts";
import { ensureUsage } from "./mac.ts";
import { runHeavy } from "./common/heavy.ts";

/** OWASP's recommendation for PBKDF2-HMAC-SHA256, Cosmian's default. */
const DEFAULT_PBKDF2_ITERATIONS = 600_000;
/** Below this (about 20 ms of PBKDF2-SHA256 here), a worker thread costs more than it saves. */
const INLINE_PBKDF2_ITERATIONS = 10_000;

export async function deriveKey(req: DeriveKey, ctx: OperationContext): Promise<KmipRecord> {
  ensureMayCreate(ctx);
  const method = req.DerivationMethod;
  if (method !== "PBKDF2" && method !== "HKDF") {
    throw new KmipError(
      "Operation_Not_Supported",
      `DeriveKey: the derivation method ${method} is not supported (PBKDF2 or HKDF)`,
    );
  }
  const params = req.DerivationParameters;
  if (method === "PBKDF2" && params.Salt === undefined)
    fail("Invalid_Field", "DeriveKey: Salt is required when the derivation method is PBKDF2");
  const iterations = params.IterationCount ?? DEFAULT_PBKDF2_ITERATIONS;
  if (method === "PBKDF2" && (iterations < 1 || iterations > kdf.MAX_ITERATIONS)) {
    fail("Invalid_Field", `DeriveKey: invalid iteration count ${iterations} (1 to ${kdf.MAX_ITERATIONS})`);
  }
  const hashName = params.CryptographicParameters?.HashingAlgorithm ?? params.HashingAlgorithm ?? "SHA256";
  const hash = fromKmipName(hashName);
  if (!hash)
    throw new KmipError("Operation_Not_Supported", `DeriveKey: the hashing algorithm ${hashName} is not supported`);

  const requested = req.Attributes;
  const bits = requested.CryptographicLength;
  if (bits === undefined) fail("Invalid_Field", "DeriveKey: the CryptographicLength of the new key must be specified");
  if (req.ObjectType === "SymmetricKey") checkSymmetricLength(requested.CryptographicAlgorithm, bits);
  else if (req.ObjectType === "SecretData") {
    if (bits % 8 !== 0 || bits < 8 || bits > 8192)
      fail("Invalid_Attribute_Value", "DeriveKey: secret data length must be a multiple of 8 from 8 to 8192");
  } else {
    throw new KmipError(
      "Invalid_Object_Type",
      `DeriveKey: can derive a SymmetricKey or SecretData, not a ${req.ObjectType}`,
    );
  }
  const tags = userTags(requested);

  const loadBase = async () => {
    const base = await retrieve(
      ctx,
      req.ObjectUniqueIdentifier ?? req.UniqueIdentifier,
      "derivekey",
      (o) => o.state === "Active",
    );
    ensureCanProtect(base, "DeriveKey");
    if (base.objectType !== "SymmetricKey" && base.objectType !== "SecretData") {
      throw new KmipError(
        "Invalid_Object_Type",
        `DeriveKey: the base object ${base.id} must be a SymmetricKey or SecretData, not a ${base.objectType}`,
      );
    }
    ensureUsage(base, USAGE.DeriveKey, "DeriveKey", "DeriveKey");
    return base;
  };
  // The derivation runs before the write transaction (PBKDF2 may take seconds, on a worker thread);
  // the transaction checks the base again before it records anything.
  const first = await loadBase();
  const secret = keyMaterialBytes(keyBlockOf(await forUse(ctx, first)), first.id);
  let derived: Uint8Array;
  try {
    derived =
      method === "PBKDF2"
        ? iterations > INLINE_PBKDF2_ITERATIONS
          ? await runHeavy("pbkdf2", hash, secret, params.Salt!, iterations, bits / 8)
          : kdf.pbkdf2(hash, secret, params.Salt!, iterations, bits / 8)
        : kdf.hkdf(hash, secret, params.Salt, params.DerivationData, bits / 8);
  } catch (e) {
    throw cryptoError("DeriveKey", e);
  }

  return ctx.store.atomic(async () => {
    const base = await loadBase();
    if (base.id !== first.id)
      throw new KmipError("Illegal_Operation", "DeriveKey: the base object changed during the derivation; retry");

    const id = newId(requested.UniqueIdentifier);
    const { object, fields } = await symmetricObject(
      req.ObjectType as "SymmetricKey" | "SecretData",
      derived,
      bits,
      requested.CryptographicAlgorithm,
      id,
      requested,
      ctx,
    );
    const attrs = newObjectAttributes(requested, fields);
    attrs.Link = [
      ...(attrs.Link ?? []).filter((l) => l.LinkType !== "DerivationBaseObjectLink"),
      { LinkType: "DerivationBaseObjectLink", LinkedObjectIdentifier: base.id },
    ];
    attrs.State = initialState(attrs, now(), ctx.wire);
    await ctx.store.insert(storedObject(id, req.ObjectType, object, attrs, ctx.user, tags));
    const baseLinks = [
      ...(base.attributes.Link ?? []).filter(
        (l) => !(l.LinkType === "DerivedKeyLink" && l.LinkedObjectIdentifier === id),
      ),
      { LinkType: "DerivedKeyLink", LinkedObjectIdentifier: id },
    ];
    await ctx.store.update({ ...base, attributes: { ...base.attributes, Link: baseLinks, LastChangeDate: now() } });
    ctx.log.debug("derived", { op: "DeriveKey", id, base: base.id, method });
    return { UniqueIdentifier: id };
  });
}
