/**
 * Wrapping database keys under an HSM AES key (Get / Export with a KeyWrappingSpecification naming
 * an `hsm::` key; Import of a key wrapped that way): the wrap runs inside the HSM. BlockCipherMode
 * AESKeyWrapPadding (RFC 5649, the default) or NISTKeyWrap (RFC 3394) through C_WrapKey /
 * C_UnwrapKey, GCM (nonce ‖ ciphertext ‖ tag, as for software keys) through C_Encrypt / C_Decrypt.
 */
import { fail } from "../../kmip/error.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import { gcmNonce } from "../../hsm/pkcs11.ts";
import type { KeyWrapper } from "../scheme.ts";
import type { OperationContext } from "../context.ts";
import { maskAllows, USAGE } from "../common/keys.ts";
import { hsmError } from "./keys.ts";
import { isHsmUid, resolveHsmRef } from "./uid.ts";

function modeOf(params: KmipRecord | undefined): "rfc5649" | "rfc3394" | "gcm" | undefined {
  const m = params?.BlockCipherMode;
  if (m === undefined) return undefined;
  if (m === "AESKeyWrapPadding") return "rfc5649";
  if (m === "NISTKeyWrap") return "rfc3394";
  if (m === "GCM") return "gcm";
  return fail(
    "Invalid_Field",
    `key wrapping: the block cipher mode ${String(m)} is not supported with an HSM key (use AESKeyWrapPadding, NISTKeyWrap or GCM)`,
  );
}

async function run<T>(op: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw hsmError(op, e);
  }
}

export const hsmKeyWrapper: KeyWrapper = {
  handles: (key: StoredObject) => isHsmUid(key.id) && key.objectType === "SymmetricKey",

  async wrap(
    key: StoredObject,
    plaintext: Uint8Array,
    ctx: OperationContext,
    params?: KmipRecord,
  ): Promise<Uint8Array> {
    if (!maskAllows(key.attributes.CryptographicUsageMask, USAGE.WrapKey | USAGE.Encrypt)) {
      fail("Incompatible_Cryptographic_Usage_Mask", `key wrapping: the usage mask of ${key.id} does not allow WrapKey`);
    }
    const ref = resolveHsmRef(ctx, key.id);
    const mode = modeOf(params) ?? "rfc5649";
    if (mode === "gcm") {
      const nonce = gcmNonce();
      const out = await run("Wrap", () =>
        ref.rt.hsm.aesEncrypt(ref.slot, ref.keyId, { kind: "gcm", iv: nonce, tagBits: 128 }, plaintext),
      );
      return new Uint8Array([...nonce, ...out]);
    }
    return run("Wrap", () => ref.rt.hsm.aesKeyWrap(ref.slot, ref.keyId, mode, plaintext));
  },

  async unwrap(
    key: StoredObject,
    wrapped: Uint8Array,
    ctx: OperationContext,
    params?: KmipRecord,
  ): Promise<Uint8Array> {
    const ref = resolveHsmRef(ctx, key.id);
    const mode = modeOf(params);
    if (mode === "gcm") {
      if (wrapped.length < 28) fail("Invalid_Field", "key unwrapping: wrapped key too short for AES-GCM");
      return run("Unwrap", () =>
        ref.rt.hsm.aesDecrypt(
          ref.slot,
          ref.keyId,
          { kind: "gcm", iv: wrapped.subarray(0, 12), tagBits: 128 },
          wrapped.subarray(12),
        ),
      );
    }
    if (mode) return run("Unwrap", () => ref.rt.hsm.aesKeyUnwrap(ref.slot, ref.keyId, mode, wrapped));
    // mode not recorded: RFC 5649 first, then RFC 3394 (as for software keys)
    try {
      return await run("Unwrap", () => ref.rt.hsm.aesKeyUnwrap(ref.slot, ref.keyId, "rfc5649", wrapped));
    } catch (e) {
      if (wrapped.length % 8 !== 0 || wrapped.length < 24) throw e;
      return run("Unwrap", () => ref.rt.hsm.aesKeyUnwrap(ref.slot, ref.keyId, "rfc3394", wrapped));
    }
  },
};
