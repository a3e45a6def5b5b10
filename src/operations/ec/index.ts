/**
 * Elliptic-curve keys in the KMS (GitHub issue 6, parts 2 and 3): registers, at import time,
 * CreateKeyPair generators (generate.ts), the ECIES cipher for Encrypt/Decrypt (cipher.ts),
 * Get/Export format conversion and Import validation (formats.ts), and key wrapping with public
 * keys and certificates (wrap.ts). Sign and SignatureVerify (sign.ts) are registered in
 * src/operations/dispatch.ts, which imports this folder through schemes.ts.
 */
import "./generate.ts";
import "./cipher.ts";
import "./formats.ts";
import "./wrap.ts";
