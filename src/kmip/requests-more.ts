/**
 * Request payload schemas of MAC, MACVerify, Hash, DeriveKey, Check and RNGSeed (KMIP 2.1 §6.1.29,
 * §6.1.30, §6.1.27, §6.1.12, §6.1.4, §6.1.43), with Cosmian's field names
 * (`ObjectUniqueIdentifier` in DeriveKey, `MACData`). Cosmian's test corpus also puts
 * `HashingAlgorithm` directly in `DerivationParameters`; it is accepted there.
 */
import * as v from "valibot";
import { AttributesSchema, CryptographicParametersSchema } from "./attributes.ts";
import { Uid } from "./requests.ts";
import { bool, bytes, enumOf, int, single } from "./schema.ts";

const optionalUid = v.optional(single(Uid));

const macRequest = {
  UniqueIdentifier: optionalUid,
  CryptographicParameters: v.optional(CryptographicParametersSchema),
  Data: v.optional(bytes),
  CorrelationValue: v.optional(bytes),
  InitIndicator: v.optional(bool),
  FinalIndicator: v.optional(bool),
};

export const MACSchema = v.looseObject(macRequest);
export const MACVerifySchema = v.looseObject({ ...macRequest, MACData: v.optional(bytes) });

export const HashSchema = v.looseObject({
  CryptographicParameters: v.optional(CryptographicParametersSchema),
  Data: v.optional(bytes),
  CorrelationValue: v.optional(bytes),
  InitIndicator: v.optional(bool),
  FinalIndicator: v.optional(bool),
});

const DerivationParametersSchema = v.looseObject({
  CryptographicParameters: v.optional(CryptographicParametersSchema),
  HashingAlgorithm: v.optional(enumOf("HashingAlgorithm")),
  InitializationVector: v.optional(bytes),
  DerivationData: v.optional(bytes),
  Salt: v.optional(bytes),
  IterationCount: v.optional(int),
});

export const DeriveKeySchema = v.looseObject({
  ObjectType: enumOf("ObjectType"),
  ObjectUniqueIdentifier: v.optional(single(Uid)),
  UniqueIdentifier: optionalUid,
  DerivationMethod: enumOf("DerivationMethod"),
  DerivationParameters: v.optional(DerivationParametersSchema, {}),
  Attributes: v.optional(AttributesSchema, {}),
});

export const CheckSchema = v.looseObject({
  UniqueIdentifier: optionalUid,
  UsageLimitsCount: v.optional(v.union([int, v.bigint()])),
  CryptographicUsageMask: v.optional(int),
  LeaseTime: v.optional(int),
});

export const RNGSeedSchema = v.looseObject({ Data: bytes });

export type MAC = v.InferOutput<typeof MACSchema>;
export type MACVerify = v.InferOutput<typeof MACVerifySchema>;
export type Hash = v.InferOutput<typeof HashSchema>;
export type DeriveKey = v.InferOutput<typeof DeriveKeySchema>;
export type Check = v.InferOutput<typeof CheckSchema>;
export type RNGSeed = v.InferOutput<typeof RNGSeedSchema>;
