/**
 * Request payload schemas of Certify (KMIP 2.1 §6.1.6), ReCertify (§6.1.38) and Validate (§6.1.56),
 * with Cosmian's request shapes: the subject and issuer come in
 * `Attributes` (`CertificateAttributes`, Link PrivateKeyLink / CertificateLink, the `x509-extension`
 * vendor attribute); Validate's `ValidityTime` is a TextString at Cosmian (a DateTime is accepted too)
 * and its `Certificate` items are the DER bytes (a Certificate structure is accepted too).
 */
import * as v from "valibot";
import { AttributesSchema } from "./attributes.ts";
import { Uid } from "./requests.ts";
import { bytes, date, enumOf, int, optionalList, single, text } from "./schema.ts";

const certifyRequest = {
  UniqueIdentifier: v.optional(single(Uid)),
  CertificateRequestType: v.optional(single(enumOf("CertificateRequestType"))),
  CertificateRequestValue: v.optional(single(bytes)),
  Attributes: v.optional(AttributesSchema),
  ProtectionStorageMasks: v.optional(v.unknown()),
};

export const CertifySchema = v.looseObject(certifyRequest);
export const ReCertifySchema = v.looseObject({ ...certifyRequest, Offset: v.optional(v.union([int, v.bigint()])) });

/** A certificate of Validate: its DER bytes, or a Certificate structure holding them. */
const ValidateCertificate = v.union([
  bytes,
  v.pipe(
    v.looseObject({ CertificateValue: bytes }),
    v.transform((c) => c.CertificateValue),
  ),
]);

export const ValidateSchema = v.looseObject({
  Certificate: optionalList("Certificate", ValidateCertificate),
  UniqueIdentifier: optionalList("UniqueIdentifier", Uid),
  ValidityTime: v.optional(single(v.union([text, date]))),
});

export type Certify = v.InferOutput<typeof CertifySchema>;
export type ReCertify = v.InferOutput<typeof ReCertifySchema>;
export type Validate = v.InferOutput<typeof ValidateSchema>;
