/**
 * Request payload schemas of Sign and SignatureVerify (KMIP 2.1 §6.1.46 / §6.1.47, with
 * Cosmian's request shapes). Data and DigestedData are exclusive (checked by the
 * handler, which can say why). Streaming uses InitIndicator / FinalIndicator / CorrelationValue.
 */
import * as v from "valibot";
import { CryptographicParametersSchema } from "./attributes.ts";
import { Uid } from "./requests.ts";
import { bool, bytes, single } from "./schema.ts";

const signRequest = {
  UniqueIdentifier: v.optional(single(Uid)),
  CryptographicParameters: v.optional(CryptographicParametersSchema),
  Data: v.optional(bytes),
  DigestedData: v.optional(bytes),
  CorrelationValue: v.optional(bytes),
  InitIndicator: v.optional(bool),
  FinalIndicator: v.optional(bool),
};

export const SignSchema = v.looseObject(signRequest);
export const SignatureVerifySchema = v.looseObject({ ...signRequest, SignatureData: v.optional(bytes) });

export type Sign = v.InferOutput<typeof SignSchema>;
export type SignatureVerify = v.InferOutput<typeof SignatureVerifySchema>;
