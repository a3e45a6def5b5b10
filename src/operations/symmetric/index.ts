/**
 * Symmetric keys and secret data: Create from the CSPRNG (create.ts), Encrypt/Decrypt with the
 * symmetric ciphers (common/symmetric.ts; a key stored wrapped at rest is unwrapped for the call),
 * and Get/Export as Raw or TransparentSymmetricKey. Wrapping with a symmetric key (AES key wrap,
 * AES-GCM) is the default of common/wrap.ts. FF1 keys are symmetric keys served by fpe/, which
 * comes first in schemes.ts.
 */
import { fail } from "../../kmip/error.ts";
import type { KeyBlock } from "../../kmip/objects.ts";
import { forUse } from "../common/at-rest.ts";
import { keyMaterialBytes } from "../common/keys.ts";
import { symmetricDecrypt, symmetricEncrypt } from "../common/symmetric.ts";
import type { Scheme } from "../scheme.ts";
import { createSymmetric } from "./create.ts";

export const symmetric: Scheme = {
  name: "Symmetric keys and secret data",
  create: {
    handles: (req) => req.ObjectType === "SymmetricKey" || req.ObjectType === "SecretData",
    create: createSymmetric,
  },
  cipher: {
    handles: (key) => key.objectType === "SymmetricKey",
    encrypt: async (key, req, ctx) => symmetricEncrypt(await forUse(ctx, key), req, ctx.wire),
    decrypt: async (key, req, ctx) => symmetricDecrypt(await forUse(ctx, key), req),
  },
  formats: {
    /**
     * Raw or TransparentSymmetricKey. Without a requested format: what each client generation
     * expects (cloudproof tests assert TransparentSymmetricKey; Cosmian 5.x answers Raw).
     */
    exportKey(o, kb, format, wire): KeyBlock | undefined {
      if (o.objectType !== "SymmetricKey") return undefined;
      const target = format ?? (wire === "cosmian-js" ? "TransparentSymmetricKey" : "Raw");
      if (target !== "Raw" && target !== "TransparentSymmetricKey") {
        fail(
          "Key_Format_Type_Not_Supported",
          `unsupported key format: the symmetric key ${o.id} cannot be exported as ${target}; use Raw or TransparentSymmetricKey`,
        );
      }
      const bytes = keyMaterialBytes(kb, o.id);
      return { ...kb, KeyFormatType: target, KeyValue: { KeyMaterial: target === "Raw" ? bytes : { Key: bytes } } };
    },
  },
};
