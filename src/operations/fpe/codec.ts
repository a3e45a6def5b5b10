/**
 * FPE_FF1 data codecs for the requests that use this server's metadata extensions (metadata.ts):
 * the same data rules as the KMS (docs/fpe-ff1.md, src/crypto/ff1/kms.ts), with a choice of
 * Feistel rounds, cloudproof_js `additionalCharacters` and cloudproof_js big integers.
 * With rounds 18 and no additional characters, each type gives exactly what kms.ts gives.
 *
 * Key sizes: 18 rounds (Cosmian) takes AES-256 only; 10 rounds (NIST) takes AES-128/192/256.
 */
import { alphabet as alphabets, integer, kms, text } from "../../crypto/ff1/index.ts";
import type { ExtendedMetadata } from "./metadata.ts";

const encoder = new TextEncoder();
const utf8 = kms.utf8;

function crypt(key: Uint8Array, data: Uint8Array, meta: ExtendedMetadata, tweak: Uint8Array, decrypt: boolean): string {
  const rounds = meta.rounds;
  const what = decrypt ? "FPE ciphertext" : "FPE plaintext";
  switch (meta.type) {
    case "text": {
      const a = alphabets.kmsAlphabet(meta.alphabet);
      const options = { additionalCharacters: meta.additionalCharacters, rounds };
      const input = utf8(data, what);
      return decrypt ? text.decrypt(key, tweak, input, a, options) : text.encrypt(key, tweak, input, a, options);
    }
    case "integer":
      return kms.cryptIntegerDigits(
        key,
        tweak,
        utf8(data, what),
        alphabets.kmsAlphabet(meta.alphabet),
        decrypt,
        rounds,
      );
    case "float":
      return kms.cryptFloatText(key, tweak, utf8(data, what), decrypt, rounds);
    case "big_integer": {
      const options = { radix: meta.radix, digits: meta.digits, rounds };
      const input = utf8(data, what);
      return decrypt
        ? integer.decryptString(key, tweak, input, options)
        : integer.encryptString(key, tweak, input, options);
    }
  }
}

export function encryptExtended(
  key: Uint8Array,
  data: Uint8Array,
  meta: ExtendedMetadata,
  tweak: Uint8Array,
): Uint8Array {
  return encoder.encode(crypt(key, data, meta, tweak, false));
}

export function decryptExtended(
  key: Uint8Array,
  data: Uint8Array,
  meta: ExtendedMetadata,
  tweak: Uint8Array,
): Uint8Array {
  return encoder.encode(crypt(key, data, meta, tweak, true));
}
