/**
 * Key wrapping with elliptic-curve keys (as the Cosmian KMS does it; docs/ecies.md): Get/Export with
 * a KeyWrappingSpecification naming a public key or a certificate encrypts the key material with
 * ECIES (cipher.ts); Import with KeyWrapType NotWrapped decrypts it with the private key. The key
 * named in KeyWrappingData may be the certificate, the public key or the private key: for the first
 * two the server follows the links to the private key (certificates.ts#privateKeyFor), which is
 * what the JS client's getWrappedKey(uid, certUid) -> importKey(uid, wrapped, unwrap=true) needs.
 *
 * Usage masks, when set: wrapping needs WrapKey or Encrypt, unwrapping UnwrapKey or Decrypt
 * (Unrestricted allows both). No associated data: the KMS wraps without.
 */
import { KmipError } from "../../kmip/error.ts";
import { maskAllows, USAGE } from "../common/keys.ts";
import type { KeyWrapper } from "../scheme.ts";
import { certificateKind, privateKeyFor, privateEcKey } from "./certificates.ts";
import { eciesDecrypt, eciesEncrypt, publicEcKey } from "./cipher.ts";
import { publicOf, tryEcKeyOfObject } from "./key-material.ts";
import { wipe } from "../../crypto/bytes.ts";

export const ecWrapper: KeyWrapper = {
  handles(k) {
    // Unparsable certificates are claimed too, so that the caller learns why they cannot wrap.
    if (k.objectType === "Certificate") return certificateKind(k) !== "other";
    return (k.objectType === "PublicKey" || k.objectType === "PrivateKey") && tryEcKeyOfObject(k) !== undefined;
  },
  async wrap(k, plaintext) {
    if (!maskAllows(k.attributes.CryptographicUsageMask, USAGE.WrapKey | USAGE.Encrypt)) {
      throw new KmipError(
        "Incompatible_Cryptographic_Usage_Mask",
        `key wrapping: the usage mask of ${k.id} does not allow WrapKey`,
      );
    }
    // A private key wraps with its public half (derived), so either half of a pair may be named.
    if (k.objectType !== "PrivateKey") return eciesEncrypt(publicEcKey(k), plaintext, undefined, "Wrap");
    const sk = privateEcKey(k);
    const publicKey = publicOf(sk);
    wipe(sk.privateKey);
    return eciesEncrypt({ type: sk.type, publicKey }, plaintext, undefined, "Wrap");
  },
  async unwrapKeyFor(k, ctx) {
    return privateKeyFor(ctx, k, "decrypt");
  },
  async unwrap(k, ciphertext) {
    if (!maskAllows(k.attributes.CryptographicUsageMask, USAGE.UnwrapKey | USAGE.Decrypt)) {
      throw new KmipError(
        "Incompatible_Cryptographic_Usage_Mask",
        `key unwrapping: the usage mask of ${k.id} does not allow UnwrapKey`,
      );
    }
    return eciesDecrypt(privateEcKey(k), ciphertext, undefined, "Unwrap");
  },
};
