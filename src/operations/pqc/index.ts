/**
 * Post-quantum key pairs in the KMS (cosmian-kms-server.md §3 and §8): registers, at import time,
 * the CreateKeyPair generators and ReKeyKeyPair handlers for ML-KEM, ML-DSA and SLH-DSA
 * (generate.ts), ML-KEM encapsulation / decapsulation through Encrypt / Decrypt (cipher.ts),
 * ML-DSA / SLH-DSA Sign and SignatureVerify through the signature scheme hook (sign.ts), and
 * Get/Export format conversion with Import validation (formats.ts). The primitives are
 * src/crypto/pqc.ts and src/crypto/key-formats/pqc-der.ts.
 */
import "./generate.ts";
import "./cipher.ts";
import "./sign.ts";
import "./formats.ts";
