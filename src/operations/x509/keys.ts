/**
 * Stored keys as the DER forms X.509 needs: PKCS#8 for an issuer's private key, SubjectPublicKeyInfo
 * for a certified public key (RFC 5280 §4.1.2.7), whatever form the key is stored in.
 *
 * Order of attempts: DER key material already in that form (PKCS8, X509; PKCS1 converted), then the
 * Get/Export format conversion of the key's scheme (schemes.ts#exportKey), then transparent RSA
 * keys (KMIP 2.1 §2.1.7.2/3) through JWK.
 * Keys stored wrapped at rest are unwrapped for the call (`forUse`); keys a client imported wrapped
 * cannot be used.
 */
import { createPrivateKey, createPublicKey, type JsonWebKeyInput } from "node:crypto";

type JsonWebKey = JsonWebKeyInput["key"];
import { KmipError, fail } from "../../kmip/error.ts";
import type { KeyBlock, KeyValue } from "../../kmip/objects.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { StoredObject } from "../../store/store.ts";
import type { OperationContext } from "../context.ts";
import { exportKey } from "../schemes.ts";
import { forUse } from "../common/at-rest.ts";
import { keyBlockOf } from "../common/keys.ts";
import { isWrapped } from "../common/wrap.ts";

function derMaterial(kb: KeyBlock): Uint8Array | undefined {
  if (!kb.KeyValue || kb.KeyValue instanceof Uint8Array) return undefined;
  const m = (kb.KeyValue as KeyValue).KeyMaterial;
  if (m instanceof Uint8Array) return m;
  const b = (m as KmipRecord).ByteString;
  return b instanceof Uint8Array ? b : undefined;
}

function b64u(v: unknown): string | undefined {
  let n: bigint;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isSafeInteger(v)) n = BigInt(v);
  else if (v instanceof Uint8Array) return Buffer.from(v).toString("base64url");
  else return undefined;
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, "hex").toString("base64url");
}

/** A TransparentRSAPrivateKey / PublicKey block as JWK (KMIP field names, big integers). */
function rsaJwk(kb: KeyBlock, isPrivate: boolean): JsonWebKey | undefined {
  if (kb.KeyFormatType !== (isPrivate ? "TransparentRSAPrivateKey" : "TransparentRSAPublicKey")) return undefined;
  const m = (kb.KeyValue as KeyValue | undefined)?.KeyMaterial as KmipRecord | undefined;
  if (!m || m instanceof Uint8Array) return undefined;
  const jwk: JsonWebKey = { kty: "RSA", n: b64u(m.Modulus), e: b64u(m.PublicExponent) };
  if (isPrivate) {
    Object.assign(jwk, {
      d: b64u(m.PrivateExponent),
      p: b64u(m.P),
      q: b64u(m.Q),
      dp: b64u(m.PrimeExponentP),
      dq: b64u(m.PrimeExponentQ),
      qi: b64u(m.CRTCoefficient),
    });
  }
  return Object.values(jwk).every((x) => x !== undefined) ? jwk : undefined;
}

function converted(o: StoredObject, kb: KeyBlock): Uint8Array | undefined {
  try {
    const out = exportKey(o, kb, "PKCS8", "kmip-v5");
    return out && derMaterial(out);
  } catch {
    return undefined; // no scheme converts this key to PKCS#8
  }
}

async function usableBlock(ctx: OperationContext, o: StoredObject): Promise<{ o: StoredObject; kb: KeyBlock }> {
  const u = await forUse(ctx, o);
  const kb = keyBlockOf(u);
  if (!kb?.KeyValue) throw new KmipError("Key_Value_Not_Present", `the key ${o.id} has no key material`);
  if (isWrapped(kb))
    throw new KmipError(
      "Key_Wrap_Type_Not_Supported",
      `the key ${o.id} is stored wrapped; import it unwrapped to use it for certificates`,
    );
  return { o: u, kb };
}

const cannot = (o: StoredObject, what: string): never =>
  fail(
    "Operation_Not_Supported",
    `the ${o.objectType} ${o.id} (${o.attributes.CryptographicAlgorithm ?? "?"}, ${keyBlockOf(o)?.KeyFormatType ?? "?"}) cannot be used ${what}`,
  );

/** The PKCS#8 DER of a private key object. */
export async function privateKeyPkcs8(ctx: OperationContext, stored: StoredObject): Promise<Uint8Array> {
  if (stored.objectType !== "PrivateKey")
    fail("Invalid_Object_Type", `the object ${stored.id} is a ${stored.objectType}, not a private key`);
  const { o, kb } = await usableBlock(ctx, stored);
  const raw = derMaterial(kb);
  try {
    if (raw && kb.KeyFormatType === "PKCS8") return raw;
    if (raw && kb.KeyFormatType === "PKCS1")
      return new Uint8Array(
        createPrivateKey({ key: Buffer.from(raw), format: "der", type: "pkcs1" }).export({
          type: "pkcs8",
          format: "der",
        }),
      );
    const der = converted(o, kb);
    if (der) return der;
    const jwk = rsaJwk(kb, true);
    if (jwk)
      return new Uint8Array(createPrivateKey({ key: jwk, format: "jwk" }).export({ type: "pkcs8", format: "der" }));
    if (raw && kb.KeyFormatType === "ECPrivateKey")
      return new Uint8Array(
        createPrivateKey({ key: Buffer.from(raw), format: "der", type: "sec1" }).export({
          type: "pkcs8",
          format: "der",
        }),
      );
  } catch (e) {
    throw new KmipError("Invalid_Field", `the private key ${o.id} cannot be read (${(e as Error).message})`, "client", {
      cause: e,
    });
  }
  return cannot(o, "to sign certificates");
}

/** The SubjectPublicKeyInfo DER of a public key object. */
export async function publicKeySpki(ctx: OperationContext, stored: StoredObject): Promise<Uint8Array> {
  if (stored.objectType !== "PublicKey")
    fail("Invalid_Object_Type", `the object ${stored.id} is a ${stored.objectType}, not a public key`);
  const { o, kb } = await usableBlock(ctx, stored);
  const raw = derMaterial(kb);
  try {
    if (raw && (kb.KeyFormatType === "PKCS8" || kb.KeyFormatType === "X509")) return raw;
    if (raw && kb.KeyFormatType === "PKCS1")
      return new Uint8Array(
        createPublicKey({ key: Buffer.from(raw), format: "der", type: "pkcs1" }).export({
          type: "spki",
          format: "der",
        }),
      );
    const der = converted(o, kb);
    if (der) return der;
    const jwk = rsaJwk(kb, false);
    if (jwk)
      return new Uint8Array(createPublicKey({ key: jwk, format: "jwk" }).export({ type: "spki", format: "der" }));
  } catch (e) {
    throw new KmipError("Invalid_Field", `the public key ${o.id} cannot be read (${(e as Error).message})`, "client", {
      cause: e,
    });
  }
  return cannot(o, "in a certificate");
}
