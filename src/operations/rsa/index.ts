/**
 * RSA keys in the KMS: registers, at import time, the CreateKeyPair generator and the ReKeyKeyPair
 * handler (generate.ts), RSA Encrypt/Decrypt (cipher.ts), Sign/SignatureVerify (sign.ts, through the
 * signature scheme hook that ec/sign.ts consults), Get/Export format conversion and Import
 * validation (formats.ts), and key wrapping with RSA keys and certificates (wrap.ts). The RSA
 * primitives are in src/crypto/rsa.ts.
 */
import "./generate.ts";
import "./cipher.ts";
import "./sign.ts";
import "./formats.ts";
import "./wrap.ts";
