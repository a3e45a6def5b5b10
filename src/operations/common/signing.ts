/**
 * What Sign (KMIP 2.1 §6.1.46) and SignatureVerify (§6.1.47) work on: `Data` or `DigestedData`
 * (exactly one), or, when streaming, the data gathered so far. Streaming, as the Cosmian KMS:
 * InitIndicator starts it, every call adds its Data to the CorrelationValue handed back, and the
 * call with FinalIndicator signs / verifies everything; DigestedData cannot stream.
 */
import { fail } from "../../kmip/error.ts";
import type { Sign, SignatureVerify } from "../../kmip/requests-sign.ts";
import { concatBytes } from "../../crypto/bytes.ts";

export type SigningInput =
  | { done: true; data: Uint8Array; prehashed: boolean }
  | { done: false; correlation: Uint8Array };

/** What to sign/verify now, or the CorrelationValue to hand back while streaming. */
export function signingInput(req: Sign | SignatureVerify, op: string): SigningInput {
  if (req.InitIndicator === true && req.FinalIndicator === true)
    fail("Invalid_Field", `${op}: InitIndicator and FinalIndicator cannot both be true`);
  if (req.Data && req.DigestedData) fail("Invalid_Message", `${op}: give Data or DigestedData, not both`);
  if (req.InitIndicator === true || req.CorrelationValue) {
    if (req.DigestedData) fail("Invalid_Message", `${op}: streaming works on Data only, not DigestedData`);
    const all = concatBytes(req.CorrelationValue ?? new Uint8Array(0), req.Data ?? new Uint8Array(0));
    return req.FinalIndicator === true
      ? { done: true, data: all, prehashed: false }
      : { done: false, correlation: all };
  }
  if (req.Data) return { done: true, data: req.Data, prehashed: false };
  if (req.DigestedData) return { done: true, data: req.DigestedData, prehashed: true };
  return fail("Invalid_Message", `${op}: Data or DigestedData is missing`);
}
