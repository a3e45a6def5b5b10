/**
 * The one table of operations: operation name -> request schema and handler. Handlers that depend
 * on the key's scheme (Create, CreateKeyPair, Encrypt, Sign...) find it through schemes.ts.
 */
import { lookupTable } from "../crypto/lookup.ts";
import { KmipError } from "../kmip/error.ts";
import * as req from "../kmip/requests.ts";
import { parseKmip, type Schema } from "../kmip/schema.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
import { loadSchemes, schemesLoaded } from "./schemes.ts";
import { activate } from "./activate.ts";
import { create } from "./create.ts";
import { createKeyPair } from "./create-key-pair.ts";
import { rekeyKeyPair } from "./rekey-key-pair.ts";
import { decrypt } from "./decrypt.ts";
import { deleteAttribute } from "./delete-attribute.ts";
import { destroy } from "./destroy.ts";
import { discoverVersions } from "./discover-versions.ts";
import { encrypt } from "./encrypt.ts";
import { exportOp } from "./export.ts";
import { get } from "./get.ts";
import { getAttributeList, getAttributes } from "./get-attributes.ts";
import { importOp, register as registerOp } from "./import.ts";
import { locate } from "./locate.ts";
import { query } from "./query.ts";
import { rekey } from "./rekey.ts";
import { revoke } from "./revoke.ts";
import { rngRetrieve } from "./rng-retrieve.ts";
import { addAttribute, modifyAttribute, setAttribute } from "./set-attribute.ts";
import { SignSchema, SignatureVerifySchema } from "../kmip/requests-sign.ts";
import { sign } from "./sign.ts";
import { signatureVerify } from "./signature-verify.ts";
import * as more from "../kmip/requests-more.ts";
import { mac } from "./mac.ts";
import { macVerify } from "./mac-verify.ts";
import { hash } from "./hash.ts";
import { deriveKey } from "./derive-key.ts";
import { check } from "./check.ts";
import { rngSeed } from "./rng-seed.ts";
import * as cert from "../kmip/requests-cert.ts";

// biome-ignore lint/suspicious/noExplicitAny: the table holds entries of every request type
export interface OperationEntry<T = any> {
  schema: Schema<T>;
  handler: (request: T, ctx: OperationContext) => Promise<KmipRecord>;
  /** The id a successful call leaves for later batch items (KMIP ID Placeholder). */
  placeholder?: (response: KmipRecord) => string | undefined;
  /**
   * Changes nothing but what it answers (the only store write it may make is the date-driven state
   * change of lifecycle.ts, which any later request would make too): audited by one record, on
   * disk before the answer goes out, instead of an intent record before and an outcome after.
   */
  readOnly?: true;
  /** Looks no scheme up (schemes.ts): runs without waiting for the schemes to be loaded. */
  schemeFree?: true;
}

/**
 * A handler whose module is imported on its first call: the X.509 operations bring @peculiar/x509
 * and its ASN.1 stack, which no other operation needs, so the server starts without them. A failed
 * import is not remembered (the next call tries again).
 */
function lazy<T>(
  load: () => Promise<(request: T, ctx: OperationContext) => Promise<KmipRecord>>,
): (request: T, ctx: OperationContext) => Promise<KmipRecord> {
  let loading: ReturnType<typeof load> | undefined;
  return async (request, ctx) => {
    loading ??= load().catch((e) => {
      loading = undefined;
      throw e;
    });
    return (await loading)(request, ctx);
  };
}

const createdId = (r: KmipRecord) => (typeof r.UniqueIdentifier === "string" ? r.UniqueIdentifier : undefined);

/** Operation name -> request schema and handler, in the order Query lists them. */
const OPERATIONS: Record<string, OperationEntry> = lookupTable({
  Activate: { schema: req.ActivateSchema, handler: activate },
  AddAttribute: { schema: req.AddAttributeSchema, handler: addAttribute },
  Create: { schema: req.CreateSchema, handler: create, placeholder: createdId },
  CreateKeyPair: {
    schema: req.CreateKeyPairSchema,
    handler: createKeyPair,
    placeholder: (r) => (typeof r.PrivateKeyUniqueIdentifier === "string" ? r.PrivateKeyUniqueIdentifier : undefined),
  },
  Decrypt: { schema: req.DecryptSchema, handler: decrypt, readOnly: true },
  DeleteAttribute: { schema: req.DeleteAttributeSchema, handler: deleteAttribute },
  Destroy: { schema: req.DestroySchema, handler: destroy },
  DiscoverVersions: { schema: req.DiscoverVersionsSchema, handler: discoverVersions, readOnly: true, schemeFree: true },
  Encrypt: { schema: req.EncryptSchema, handler: encrypt, readOnly: true },
  Export: { schema: req.GetSchema, handler: exportOp, readOnly: true },
  Get: { schema: req.GetSchema, handler: get, readOnly: true },
  GetAttributeList: { schema: req.GetAttributeListSchema, handler: getAttributeList, readOnly: true },
  GetAttributes: { schema: req.GetAttributesSchema, handler: getAttributes, readOnly: true },
  Import: { schema: req.ImportSchema, handler: importOp, placeholder: createdId },
  Locate: {
    schema: req.LocateSchema,
    handler: locate,
    readOnly: true,
    placeholder: (r) => (Array.isArray(r.UniqueIdentifier) ? (r.UniqueIdentifier[0] as string | undefined) : undefined),
  },
  ModifyAttribute: { schema: req.ModifyAttributeSchema, handler: modifyAttribute },
  Query: { schema: req.QuerySchema, handler: query, readOnly: true, schemeFree: true },
  ReKey: { schema: req.ReKeySchema, handler: rekey, placeholder: createdId },
  ReKeyKeyPair: { schema: req.ReKeyKeyPairSchema, handler: rekeyKeyPair },
  Register: { schema: req.RegisterSchema, handler: registerOp, placeholder: createdId },
  Revoke: { schema: req.RevokeSchema, handler: revoke },
  RNGRetrieve: { schema: req.RNGRetrieveSchema, handler: rngRetrieve, readOnly: true },
  SetAttribute: { schema: req.SetAttributeSchema, handler: setAttribute },
  Sign: { schema: SignSchema, handler: sign, readOnly: true },
  SignatureVerify: { schema: SignatureVerifySchema, handler: signatureVerify, readOnly: true },
  MAC: { schema: more.MACSchema, handler: mac, readOnly: true },
  MACVerify: { schema: more.MACVerifySchema, handler: macVerify, readOnly: true },
  Hash: { schema: more.HashSchema, handler: hash, readOnly: true },
  DeriveKey: { schema: more.DeriveKeySchema, handler: deriveKey, placeholder: createdId },
  Check: { schema: more.CheckSchema, handler: check, readOnly: true },
  RNGSeed: { schema: more.RNGSeedSchema, handler: rngSeed },
  Certify: {
    schema: cert.CertifySchema,
    handler: lazy(() => import("./certify.ts").then((m) => m.certify)),
    placeholder: createdId,
  },
  ReCertify: {
    schema: cert.ReCertifySchema,
    handler: lazy(() => import("./recertify.ts").then((m) => m.recertify)),
    placeholder: createdId,
  },
  Validate: {
    schema: cert.ValidateSchema,
    handler: lazy(() => import("./validate.ts").then((m) => m.validate)),
    readOnly: true,
  },
});

/** The operations served (Query). */
export const SERVED_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/** The operation changes nothing but its answer (see OperationEntry.readOnly). */
export const isReadOnly = (operation: string): boolean => OPERATIONS[operation]?.readOnly === true;

/** Validates `payload` against the operation's schema and runs it. */
export async function dispatch(operation: string, payload: KmipRecord, ctx: OperationContext): Promise<KmipRecord> {
  const entry = OPERATIONS[operation];
  if (!entry) throw new KmipError("Operation_Not_Supported", `Route not supported: Operation: ${operation}`);
  const request = parseKmip(entry.schema, payload, operation);
  if (!entry.schemeFree && !schemesLoaded()) await loadSchemes();
  const response = await entry.handler(request, ctx);
  const id = entry.placeholder?.(response);
  if (id) ctx.idPlaceholder = id;
  return response;
}
