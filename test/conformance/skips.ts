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
  "fips/kmip_operations/crl_validation_lifecycle":
    "needs steps of Cosmian's own runner (AllocTempFile: CRL files written to disk for Validate) and Certify/Validate",
};

export const PENDING: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /CreateKeyPair: key pairs (of algorithm|on the curve) |ReKeyKeyPair: key pairs of algorithm .* cannot be re-keyed|is not an elliptic-curve private key this server can use|keys of type PrivateKey \(RSA\)|a PrivateKey \(RSA\) cannot/,
    reason: "pending key pair work (RSA, PQC, secp256k1/Ed448 key pairs, ReKeyKeyPair of EC/RSA pairs: another helper)",
  },
  {
    pattern: /Route not supported: Operation: (Certify|ReCertify|Validate)/,
    reason: "pending certificate work (Certify, ReCertify, Validate are not served yet)",
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
