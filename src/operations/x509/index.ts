/**
 * X.509 certificates issued by the server: Certify, ReCertify and Validate (operations/certify.ts,
 * recertify.ts, validate.ts, with the helpers in this folder). Certificates used as public keys
 * (encrypt, verify, wrap) are served by the scheme of the key they hold (ec/, rsa/).
 */
import type { Scheme } from "../scheme.ts";

export const x509: Scheme = { name: "X.509 certificates", operations: ["Certify", "ReCertify", "Validate"] };
