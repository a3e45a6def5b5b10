/**
 * Scenarios of the Cosmian corpus we do not count, each with its reason (the lead copies them into
 * README.md). Three kinds:
 * - recognised from the manifest (runner.ts#skipReason): HSM scenarios, binary TTLV (`wire_format`);
 * - SKIPS: named scenarios that need something we have decided not to serve;
 * - PENDING: a scenario that FAILS with one of these messages is reported SKIP with the reason,
 *   because the feature is being built elsewhere; once it is there the scenario passes (and
 *   `npm run conformance` raises the baseline).
 */
export const SKIPS: Record<string, string> = {
  "fips/integrations/vast_data": "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_kmip14": "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_keypair_kmip14": "KMIP 1.4 request forms (TemplateAttribute, Attribute Name/Value): we serve KMIP 2.1",
  "fips/kmip_operations/rekey_keypair_deactivated_fails":
    "contradicts fips/kmip_operations/rekey_keypair_deactivated_succeeds (same steps: revoke the private key, then ReKeyKeyPair; one expects Item_Not_Found, the other success); we follow the KMS code (rekey/common.rs accepts Active, Deactivated and Compromised keys) and the succeeding scenario",
  "fips/kmip_operations/crl_validation_lifecycle":
    "needs steps of Cosmian's own runner (AllocTempFile, GenerateCrl: CRL files written to disk) and a Validate that reads CRLs from disk; we do not fetch CRLs",
  "negative/recertify_nonexistent":
    "asserts Cosmian 5.26's refusal of ReCertify in batches (\"unsupported operation: ReCertify\"); Cosmian serves ReCertify since Cosmian/kms 7fdc944a1 (2026-07-02), as the corpus's fips/kmip_operations/recertify_* scenarios require, and so do we",
};

export const PENDING: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /CreateKeyPair: key pairs (of algorithm|on the curve) |is not an elliptic-curve private key this server can use/,
    reason: "pending key pair work (PQC: ML-DSA, ML-KEM, SLH-DSA; secp256k1 and Ed448 key pairs)",
  },
  {
    pattern: /CoverCrypt|cover_crypt/,
    reason: "pending CoverCrypt work (Cosmian 5.x CoverCrypt: access structure attribute and key format)",
  },
];

/** The PENDING reason matching a failure, if any. */
export function pendingReason(failure: string): string | undefined {
  return PENDING.find((p) => p.pattern.test(failure))?.reason;
}
