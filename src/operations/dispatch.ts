/**
 * The ONLY table of operations (house rule 2): operation name -> request schema and handler.
 * Scheme modules (CoverCrypt, FPE, key pairs...) add their own entries through `register`.
 */
import { KmipError } from "../kmip/error.ts";
import * as req from "../kmip/requests.ts";
import { parseKmip, type Schema } from "../kmip/schema.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";
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
import { query, SERVED_OPERATIONS } from "./query.ts";
import { rekey } from "./rekey.ts";
import { revoke } from "./revoke.ts";
import { rngRetrieve } from "./rng-retrieve.ts";
import { addAttribute, modifyAttribute, setAttribute } from "./set-attribute.ts";
import { SignSchema, SignatureVerifySchema } from "../kmip/requests-sign.ts";
import { sign, signatureVerify } from "./ec/sign.ts";
import * as more from "../kmip/requests-more.ts";
import { mac } from "./mac.ts";
import { macVerify } from "./mac-verify.ts";
import { hash } from "./hash.ts";
import { deriveKey } from "./derive-key.ts";
import { check } from "./check.ts";
import { rngSeed } from "./rng-seed.ts";
import * as cert from "../kmip/requests-cert.ts";
import { certify } from "./certify.ts";
import { recertify } from "./recertify.ts";
import { validate } from "./validate.ts";

export interface OperationEntry<T = any> {
  schema: Schema<T>;
  handler: (request: T, ctx: OperationContext) => Promise<KmipRecord>;
  /** The id a successful call leaves for later batch items (KMIP ID Placeholder). */
  placeholder?: (response: KmipRecord) => string | undefined;
}

const createdId = (r: KmipRecord) => (typeof r.UniqueIdentifier === "string" ? r.UniqueIdentifier : undefined);

const OPERATIONS: Record<string, OperationEntry> = {};

export function register<T>(name: string, entry: OperationEntry<T>): void {
  OPERATIONS[name] = entry as OperationEntry;
  if (!SERVED_OPERATIONS.includes(name)) SERVED_OPERATIONS.push(name);
}

register("Activate", { schema: req.ActivateSchema, handler: activate });
register("AddAttribute", { schema: req.AddAttributeSchema, handler: addAttribute });
register("Create", { schema: req.CreateSchema, handler: create, placeholder: createdId });
register("CreateKeyPair", {
  schema: req.CreateKeyPairSchema,
  handler: createKeyPair,
  placeholder: (r) => (typeof r.PrivateKeyUniqueIdentifier === "string" ? r.PrivateKeyUniqueIdentifier : undefined),
});
register("Decrypt", { schema: req.DecryptSchema, handler: decrypt });
register("DeleteAttribute", { schema: req.DeleteAttributeSchema, handler: deleteAttribute });
register("Destroy", { schema: req.DestroySchema, handler: destroy });
register("DiscoverVersions", { schema: req.DiscoverVersionsSchema, handler: discoverVersions });
register("Encrypt", { schema: req.EncryptSchema, handler: encrypt });
register("Export", { schema: req.GetSchema, handler: exportOp });
register("Get", { schema: req.GetSchema, handler: get });
register("GetAttributeList", { schema: req.GetAttributeListSchema, handler: getAttributeList });
register("GetAttributes", { schema: req.GetAttributesSchema, handler: getAttributes });
register("Import", { schema: req.ImportSchema, handler: importOp, placeholder: createdId });
register("Locate", {
  schema: req.LocateSchema,
  handler: locate,
  placeholder: (r) => (Array.isArray(r.UniqueIdentifier) ? (r.UniqueIdentifier[0] as string | undefined) : undefined),
});
register("ModifyAttribute", { schema: req.ModifyAttributeSchema, handler: modifyAttribute });
register("Query", { schema: req.QuerySchema, handler: query });
register("ReKey", { schema: req.ReKeySchema, handler: rekey, placeholder: createdId });
register("ReKeyKeyPair", { schema: req.ReKeyKeyPairSchema, handler: rekeyKeyPair });
register("Register", { schema: req.RegisterSchema, handler: registerOp, placeholder: createdId });
register("Revoke", { schema: req.RevokeSchema, handler: revoke });
register("RNGRetrieve", { schema: req.RNGRetrieveSchema, handler: rngRetrieve });
register("SetAttribute", { schema: req.SetAttributeSchema, handler: setAttribute });
register("Sign", { schema: SignSchema, handler: sign });
register("SignatureVerify", { schema: SignatureVerifySchema, handler: signatureVerify });
register("MAC", { schema: more.MACSchema, handler: mac });
register("MACVerify", { schema: more.MACVerifySchema, handler: macVerify });
register("Hash", { schema: more.HashSchema, handler: hash });
register("DeriveKey", { schema: more.DeriveKeySchema, handler: deriveKey, placeholder: createdId });
register("Check", { schema: more.CheckSchema, handler: check });
register("RNGSeed", { schema: more.RNGSeedSchema, handler: rngSeed });
register("Certify", { schema: cert.CertifySchema, handler: certify, placeholder: createdId });
register("ReCertify", { schema: cert.ReCertifySchema, handler: recertify, placeholder: createdId });
register("Validate", { schema: cert.ValidateSchema, handler: validate });

export function isServed(operation: string): boolean {
  return operation in OPERATIONS;
}

/** Validates `payload` against the operation's schema and runs it. */
export async function dispatch(operation: string, payload: KmipRecord, ctx: OperationContext): Promise<KmipRecord> {
  const entry = OPERATIONS[operation];
  if (!entry) throw new KmipError("Operation_Not_Supported", `Route not supported: Operation: ${operation}`);
  const request = parseKmip(entry.schema, payload, operation);
  const response = await entry.handler(request, ctx);
  const id = entry.placeholder?.(response);
  if (id) ctx.idPlaceholder = id;
  return response;
}

// Scheme modules register themselves (after the table above exists).
await import("./schemes.ts");
