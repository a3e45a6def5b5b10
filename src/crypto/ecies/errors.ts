/**
 * EciesError: the one error type of the ECIES modules in this folder.
 *
 * `code` is stable and meant for the operation layer to map onto a KMIP reason (e.g. DECRYPTION →
 * Cryptographic_Failure, UNSUPPORTED / EMPTY_PLAINTEXT → Invalid_Field);
 * `message` is human-readable and never contains key material. Wrong key, tampered ciphertext and
 * truncated ciphertext are deliberately one code with one message, as in cloudproof_js
 * ("ECIES error: decryption: DecryptionError"), so that a caller learns nothing about which check
 * failed.
 */
export type EciesErrorCode =
  | "KEY_LENGTH" // a raw key of the wrong size
  | "INVALID_KEY" // right size, but not a valid (canonical, non-identity, in-range) key
  | "CIPHERTEXT_LENGTH" // shorter than the scheme's minimum
  | "EMPTY_PLAINTEXT" // the scheme (NIST-curve ECIES) does not encrypt an empty message
  | "DECRYPTION" // authentication failed: wrong key or modified ciphertext
  | "UNSUPPORTED"; // curve or key type not handled by the scheme

export class EciesError extends Error {
  readonly code: EciesErrorCode;
  constructor(code: EciesErrorCode, message: string) {
    super(message);
    this.name = "EciesError";
    this.code = code;
  }
}

/** The single message for every failed decryption (wrong key, bad tag, bad ephemeral point). */
export const DECRYPTION_FAILED = "ECIES decryption failed: wrong key or corrupted ciphertext";
