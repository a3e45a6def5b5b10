/**
 * Scenarios of the Cosmian corpus we do not run, each with its reason. Two kinds:
 * - recognised from the manifest (runner.ts#skipReason): HSM scenarios when SoftHSM2 is missing, binary TTLV (`wire_format`);
 * - SKIPS: named scenarios that need something we have decided not to serve.
 * A scenario that runs either passes or fails the conformance test: there is no third way.
 */
export const SKIPS: Record<string, string> = {
  "hsm/permissions/get_not_wildcard":
    "expects Get of an HSM-resident AES key to succeed; our HSM keys are generated sensitive and non-extractable, so Get and Export of them are refused (Sensitive) for everyone, the owner included (the scenario's point, that a Get grant does not allow Encrypt on an HSM key, is checked by test/hsm/hsm.test.ts)",
  "fips/integrations/vast_data": "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_kmip14":
    "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_keypair_kmip14":
    "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_keypair_deactivated_fails":
    "contradicts fips/kmip_operations/rekey_keypair_deactivated_succeeds (same steps: revoke the private key, then ReKeyKeyPair; one expects Item_Not_Found, the other success); we follow the KMS code (rekey/common.rs accepts Active, Deactivated and Compromised keys) and the succeeding scenario",
  "fips/kmip_operations/crl_validation_lifecycle":
    "needs steps of Cosmian's own runner (AllocTempFile, GenerateCrl: CRL files written to disk) and a Validate that reads CRLs from disk; we do not fetch CRLs",
  "negative/recertify_nonexistent":
    "asserts Cosmian 5.26's refusal of ReCertify in batches (\"unsupported operation: ReCertify\"); Cosmian serves ReCertify since Cosmian/kms 7fdc944a1 (2026-07-02), as the corpus's fips/kmip_operations/recertify_* scenarios require, and so do we",
  "kat/covercrypt_decrypt":
    "Cosmian 5.x's CoverCrypt (a newer, incompatible CoverCrypt: access structures, another key format); we serve CoverCrypt v14, the one cloudproof_js 10.0.1 and its users' keys and ciphertexts need",
  "non-fips/rekey_keypair_covercrypt":
    "Cosmian 5.x's CoverCrypt (the cover_crypt_access_structure attribute of a newer, incompatible CoverCrypt); we serve CoverCrypt v14, the one cloudproof_js 10.0.1 needs",
};
