/**
 * Error classes shared by the symmetric primitives (AES-GCM, ChaCha20-Poly1305, XChaCha20-Poly1305,
 * AES key wrap, AES-CBC). The operation layer maps them to a KMIP reason (Cryptographic_Failure)
 * without parsing messages. Messages never carry key material or plaintext.
 */

/** A tag, an AAD, a key, a nonce or a wrapped key did not authenticate (AEAD tag or key-wrap integrity check). */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthenticationError";
  }
}

/** PKCS#5/#7 padding was malformed after decryption (AES-CBC/ECB with padding). */
export class PaddingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaddingError";
  }
}

/** Throws a TypeError unless `value` is a Uint8Array (Buffers are Uint8Arrays too). */
export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

/** A plain Uint8Array view of a node:crypto Buffer result, without copying. */
export function asBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
