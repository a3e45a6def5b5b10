/**
 * X.509 certificates as public keys, and the certificate <-> private key links
 * (as cloudproof_kms_js 4.0.0 and the Cosmian KMS use them).
 *
 * A certificate's public key comes from its SubjectPublicKeyInfo (node:crypto X509Certificate,
 * which parses the DER; the certificate is not validated here: it is the caller's own object).
 * The private key that goes with a certificate is found, in this order, through the certificate's
 * PrivateKeyLink (set by the JS client's importCertificate{privateKeyIdentifier}) or through a
 * private key whose CertificateLink names the certificate (importPrivateKey{certificateIdentifier}).
 */
import { X509Certificate } from "node:crypto";
import { KmipError, fail } from "../../kmip/error.ts";
import type { StoredObject } from "../../store/store.ts";
import * as formats from "../../crypto/key-formats/pkcs8-spki.ts";
import type { OperationContext } from "../context.ts";
import { retrieve } from "../common/retrieve.ts";
import { linkTarget } from "../common/links.ts";
import type { Right } from "../../auth/access.ts";
import type { EcKey } from "./key-material.ts";
import { ecKeyOfObject } from "./key-material.ts";

const SERVED = new Set(["X25519", "Ed25519", "P-256", "P-384", "P-521"]);

/** The EC public key of a stored certificate; throws KmipError when there is none we can use. */
export function certificatePublicKey(o: StoredObject): EcKey {
  const der = o.object.CertificateValue;
  if (!(der instanceof Uint8Array)) fail("Invalid_Object_Type", `the certificate ${o.id} has no DER value`);
  let spki: Uint8Array;
  try {
    spki = new Uint8Array(new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }));
  } catch (e) {
    throw new KmipError("Invalid_Field", `the certificate ${o.id} is not a valid DER X.509 certificate`, "client", {
      cause: e,
    });
  }
  let parsed: formats.ParsedPublicKey;
  try {
    parsed = formats.publicKeyFromSpki(spki);
  } catch (e) {
    throw new KmipError(
      "Operation_Not_Supported",
      `the public key of the certificate ${o.id} is not an elliptic-curve key this server uses (${(e as Error).message})`,
      "client",
      { cause: e },
    );
  }
  if (!SERVED.has(parsed.algorithm))
    throw new KmipError("Operation_Not_Supported", `${parsed.algorithm} certificate keys are not supported`);
  return { type: parsed.algorithm as EcKey["type"], publicKey: parsed.publicKey };
}

/** "ec" when the certificate holds a key we serve, "invalid" when it cannot be parsed, else "other". */
export function certificateKind(o: StoredObject): "ec" | "invalid" | "other" {
  try {
    certificatePublicKey(o);
    return "ec";
  } catch (e) {
    return e instanceof KmipError && e.reason === "Invalid_Field" ? "invalid" : "other";
  }
}

export function tryCertificatePublicKey(o: StoredObject): EcKey | undefined {
  try {
    return o.objectType === "Certificate" ? certificatePublicKey(o) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The private key that decrypts what `o` (a certificate, public key or private key) encrypted,
 * loaded with `right`.
 */
export async function privateKeyFor(ctx: OperationContext, o: StoredObject, right: Right): Promise<StoredObject> {
  if (o.objectType === "PrivateKey") return o;
  const linked = linkTarget(o, "PrivateKeyLink");
  if (linked) return retrieve(ctx, linked, right);
  if (o.objectType === "Certificate") {
    // A private key pointing at this certificate (importPrivateKey{certificateIdentifier}).
    const [id] = await ctx.store.locate({
      user: ctx.user,
      objectType: "PrivateKey",
      links: [{ linkType: "CertificateLink", target: o.id }],
      limit: 1,
    });
    if (id) return retrieve(ctx, id, right);
  }
  throw new KmipError("Item_Not_Found", `no private key is linked to the ${o.objectType} ${o.id}`);
}

/** The private EC key of a private-key object, checked. */
export function privateEcKey(o: StoredObject): EcKey {
  const k = ecKeyOfObject(o);
  if (!k?.privateKey)
    throw new KmipError(
      "Operation_Not_Supported",
      `the key ${o.id} is not an elliptic-curve private key this server can use`,
    );
  return k;
}
