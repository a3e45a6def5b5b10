/**
 * Sign (KMIP 2.1 §6.1.46) and SignatureVerify (§6.1.47) with elliptic-curve keys
 * (cosmian-kms-server.md §3; KMS crate/server/src/core/operations/{sign,signature_verify}.rs).
 *
 * Sign: an Active private key with the Sign usage (or no mask / Unrestricted). SignatureVerify: a
 * public key, a private key (its public half) or a certificate, Active, Deactivated or Compromised,
 * with the Verify usage. `Data` or `DigestedData` (exactly one); CryptographicParameters from the
 * request, else those stored on the key (signature.ts for the algorithms and defaults).
 * Response: SignatureData / ValidityIndicator Valid | Invalid; a malformed signature is Invalid.
 *
 * Streaming, as the KMS: InitIndicator starts it, every call adds its Data to the CorrelationValue
 * handed back, and the call with FinalIndicator signs / verifies everything; DigestedData cannot
 * stream.
 */
import { KmipError, fail } from "../../kmip/error.ts";
import type { CryptographicParameters } from "../../kmip/attributes.ts";
import type { Sign, SignatureVerify } from "../../kmip/requests-sign.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { concatBytes, wipe } from "../../crypto/bytes.ts";
import type { OperationContext } from "../context.ts";
import { ensureCanProtect, ensureCanUnprotect } from "../common/lifecycle.ts";
import { retrieve } from "../common/retrieve.ts";
import { USAGE } from "../common/keys.ts";
import { certificatePublicKey, privateEcKey } from "./certificates.ts";
import { publicEcKey } from "./cipher.ts";
import { maskAllows } from "./masks.ts";
import { signatureSchemes } from "../common/hooks.ts";
import * as signature from "./signature.ts";
import { publicOf, type EcKey } from "./key-material.ts";

type Input = { done: true; data: Uint8Array; prehashed: boolean } | { done: false; correlation: Uint8Array };

/** What to sign/verify now, or the CorrelationValue to hand back while streaming. */
function input(req: Sign | SignatureVerify, op: string): Input {
  if (req.InitIndicator === true && req.FinalIndicator === true) fail("Invalid_Field", `${op}: InitIndicator and FinalIndicator cannot both be true`);
  if (req.Data && req.DigestedData) fail("Invalid_Message", `${op}: give Data or DigestedData, not both`);
  if (req.InitIndicator === true || req.CorrelationValue) {
    if (req.DigestedData) fail("Invalid_Message", `${op}: streaming works on Data only, not DigestedData`);
    const all = concatBytes(req.CorrelationValue ?? new Uint8Array(0), req.Data ?? new Uint8Array(0));
    return req.FinalIndicator === true ? { done: true, data: all, prehashed: false } : { done: false, correlation: all };
  }
  if (req.Data) return { done: true, data: req.Data, prehashed: false };
  if (req.DigestedData) return { done: true, data: req.DigestedData, prehashed: true };
  return fail("Invalid_Message", `${op}: Data or DigestedData is missing`);
}

/** The request's parameters when it names an algorithm or hash, else the key's stored ones. */
function parameters(req: Sign | SignatureVerify, o: StoredObject): CryptographicParameters | undefined {
  const p = req.CryptographicParameters;
  if (p?.DigitalSignatureAlgorithm !== undefined || p?.HashingAlgorithm !== undefined) return p;
  return o.attributes.CryptographicParameters ?? p;
}

export async function sign(req: Sign, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, "sign", (x) => x.state === "Active" && x.objectType === "PrivateKey");
  if (o.objectType !== "PrivateKey") throw new KmipError("Item_Not_Found", `Sign: no valid key for id ${o.id}: it is a ${o.objectType}; sign with a private key`);
  ensureCanProtect(o, "Sign");
  if (!maskAllows(o, USAGE.Sign)) throw new KmipError("Incompatible_Cryptographic_Usage_Mask", `Sign: no valid key for id ${o.id}: its usage mask does not allow Sign`);
  const scheme = signatureSchemes.find((s) => s.handles(o));
  if (scheme) {
    const what = input(req, "Sign");
    if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
    return { UniqueIdentifier: o.id, SignatureData: await scheme.sign(o, what.data, what.prehashed, req.CryptographicParameters) };
  }
  const key = privateEcKey(o);
  let signatureData: Uint8Array;
  try {
    const what = input(req, "Sign");
    if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
    signatureData = signature.sign(key, what.data, what.prehashed, parameters(req, o));
  } finally {
    wipe(key.privateKey);
  }
  ctx.log.debug("signed", { op: "Sign", id: o.id, type: key.type });
  return { UniqueIdentifier: o.id, SignatureData: signatureData };
}

const VERIFY_STATES = new Set(["Active", "Deactivated", "Compromised"]);
const VERIFY_TYPES = new Set(["PublicKey", "PrivateKey", "Certificate"]);

function verificationKey(o: StoredObject): EcKey {
  if (o.objectType === "Certificate") return certificatePublicKey(o);
  if (o.objectType === "PrivateKey") {
    const k = privateEcKey(o);
    const publicKey = publicOf(k);
    wipe(k.privateKey);
    return { type: k.type, publicKey };
  }
  return publicEcKey(o);
}

export async function signatureVerify(req: SignatureVerify, ctx: OperationContext): Promise<KmipRecord> {
  const o = await retrieve(ctx, req.UniqueIdentifier, "signatureverify", (x) => VERIFY_STATES.has(x.state) && VERIFY_TYPES.has(x.objectType));
  if (!VERIFY_TYPES.has(o.objectType)) throw new KmipError("Item_Not_Found", `SignatureVerify: no valid key for id ${o.id}: a ${o.objectType} cannot verify signatures`);
  ensureCanUnprotect(o, "SignatureVerify");
  if (!maskAllows(o, USAGE.Verify)) throw new KmipError("Incompatible_Cryptographic_Usage_Mask", `SignatureVerify: no valid key for id ${o.id}: its usage mask does not allow Verify`);
  const scheme = signatureSchemes.find((s) => s.handles(o));
  if (scheme) {
    const what = input(req, "SignatureVerify");
    if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
    if (!req.SignatureData) fail("Invalid_Message", "SignatureVerify: SignatureData is missing");
    const valid = scheme.verify(o, what.data, req.SignatureData, what.prehashed, req.CryptographicParameters);
    return { UniqueIdentifier: o.id, ValidityIndicator: valid ? "Valid" : "Invalid" };
  }
  const key = verificationKey(o);
  const what = input(req, "SignatureVerify");
  if (!what.done) return { UniqueIdentifier: o.id, CorrelationValue: what.correlation };
  if (!req.SignatureData) fail("Invalid_Message", "SignatureVerify: SignatureData is missing");
  const valid = signature.verify(key, what.data, req.SignatureData, what.prehashed, parameters(req, o));
  return { UniqueIdentifier: o.id, ValidityIndicator: valid ? "Valid" : "Invalid" };
}
