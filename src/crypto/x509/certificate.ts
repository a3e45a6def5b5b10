/**
 * X.509 certificates (RFC 5280) and PKCS#10 requests (RFC 2986): issuing a certificate for a
 * public key, reading certificates and CSRs. Signing goes through WebCrypto (what @peculiar/x509
 * drives); keys come in as PKCS#8 / SubjectPublicKeyInfo DER, so any key the operation layer can
 * export works. Issuer keys that can sign: ECDSA P-256 (SHA-256), P-384 (SHA-384), P-521 (SHA-512),
 * Ed25519, RSA (PKCS#1 v1.5, SHA-256). Any SubjectPublicKeyInfo can be certified (X25519 too).
 */
import { createPrivateKey, createPublicKey, X509Certificate as NodeX509, type KeyObject } from "node:crypto";
import { bytesToHex, hexToBytes, utf8 } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { NO_REV_AVAIL } from "./extensions.ts";
import { x509, X509Error } from "./setup.ts";

export interface Signer {
  key: CryptoKey;
  /** The WebCrypto signing parameters, which also name the certificate's signatureAlgorithm. */
  algorithm: Algorithm | EcdsaParams;
  /** For messages: "P-256", "Ed25519", "RSA"... */
  type: string;
}

const CURVE_HASH: Record<string, [string, string]> = {
  prime256v1: ["P-256", "SHA-256"],
  "P-256": ["P-256", "SHA-256"],
  secp384r1: ["P-384", "SHA-384"],
  "P-384": ["P-384", "SHA-384"],
  secp521r1: ["P-521", "SHA-512"],
  "P-521": ["P-521", "SHA-512"],
};

function privateKeyObject(pkcs8: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  } catch (e) {
    throw new X509Error(`not a valid PKCS#8 private key (${(e as Error).message})`);
  }
}

/** A WebCrypto signing key for a PKCS#8 private key; X509Error for keys that cannot sign certificates. */
export async function importSigner(pkcs8: Uint8Array): Promise<Signer> {
  const ko = privateKeyObject(pkcs8);
  const kind = ko.asymmetricKeyType;
  let imported: {
    params: Algorithm | EcKeyImportParams | RsaHashedImportParams;
    algorithm: Algorithm | EcdsaParams;
    type: string;
  };
  if (kind === "ec") {
    const curve = CURVE_HASH[String(ko.asymmetricKeyDetails?.namedCurve)];
    if (!curve)
      throw new X509Error(`EC keys on the curve ${ko.asymmetricKeyDetails?.namedCurve} cannot sign certificates here`);
    imported = {
      params: { name: "ECDSA", namedCurve: curve[0] },
      algorithm: { name: "ECDSA", hash: curve[1] } as EcdsaParams,
      type: curve[0],
    };
  } else if (kind === "ed25519") {
    imported = { params: { name: "Ed25519" }, algorithm: { name: "Ed25519" }, type: "Ed25519" };
  } else if (kind === "rsa") {
    const params = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    imported = { params, algorithm: params, type: "RSA" };
  } else {
    throw new X509Error(
      `${kind ?? "unknown"} keys cannot sign certificates (use an ECDSA P-256/P-384/P-521, Ed25519 or RSA key)`,
    );
  }
  const key = await crypto.subtle.importKey("pkcs8", new Uint8Array(pkcs8), imported.params, false, ["sign"]);
  return { key, algorithm: imported.algorithm, type: imported.type };
}

/** The SubjectPublicKeyInfo DER of the public half of a PKCS#8 private key. */
export function publicSpkiOf(pkcs8: Uint8Array): Uint8Array {
  return new Uint8Array(createPublicKey(privateKeyObject(pkcs8)).export({ type: "spki", format: "der" }));
}

/** Checks that bytes are a SubjectPublicKeyInfo the runtime can read; returns its key type. */
export function checkSpki(spki: Uint8Array): string {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }).asymmetricKeyType ?? "unknown";
  } catch (e) {
    throw new X509Error(`not a valid SubjectPublicKeyInfo (${(e as Error).message})`);
  }
}

/** A positive 127-bit serial number (RFC 5280 §4.1.2.2: unique per issuer, at most 20 octets). */
export function randomSerial(): Uint8Array {
  const s = randomBytes(16);
  s[0] = (s[0] & 0x7f) | 0x40; // positive, no leading zero byte in the DER INTEGER
  return s;
}

export interface IssueParams {
  subject: x509.Name;
  subjectSpki: Uint8Array;
  issuerName: x509.Name;
  signer: Signer;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extensions: x509.Extension[];
}

/** Builds and signs a v3 certificate; returns its DER. */
export async function issueCertificate(p: IssueParams): Promise<Uint8Array> {
  if (p.notAfter.getTime() <= p.notBefore.getTime())
    throw new X509Error("the certificate validity period is empty (notAfter <= notBefore)");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: bytesToHex(p.serial),
    subject: p.subject,
    issuer: p.issuerName,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: new Uint8Array(p.subjectSpki),
    signingKey: p.signer.key,
    signingAlgorithm: p.signer.algorithm,
    extensions: p.extensions,
  });
  return new Uint8Array(cert.rawData);
}

export interface CertificateInfo {
  der: Uint8Array;
  cert: x509.X509Certificate;
  /** node:crypto's view (signature checks, the public KeyObject). */
  node: NodeX509;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spki: Uint8Array;
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Subject key identifier extension value, when present. */
  ski?: Uint8Array;
  /** Authority key identifier's keyIdentifier, when present. */
  akiKeyId?: Uint8Array;
  basicConstraints?: { ca: boolean; pathLength?: number };
  keyUsage?: number;
  /** URIs of the CRL distribution points. */
  crlUris: string[];
  /** RFC 9608: the issuer says no revocation information is available. */
  noRevAvail: boolean;
  /** No extensions at all (v1 certificates and bare v3 ones). */
  bare: boolean;
}

/** Parses a DER certificate; X509Error when it is not one. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  let cert: x509.X509Certificate;
  let node: NodeX509;
  try {
    if (der[0] !== 0x30) throw new Error("DER must start with a SEQUENCE");
    cert = new x509.X509Certificate(new Uint8Array(der));
    node = new NodeX509(Buffer.from(der));
  } catch (e) {
    throw new X509Error(`not a valid DER X.509 certificate (${(e as Error).message})`);
  }
  const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const cdp = cert.getExtension(x509.CRLDistributionPointsExtension);
  const crlUris: string[] = [];
  for (const dp of cdp?.distributionPoints ?? []) {
    for (const gn of dp.distributionPoint?.fullName ?? [])
      if (gn.uniformResourceIdentifier) crlUris.push(gn.uniformResourceIdentifier);
  }
  return {
    der,
    cert,
    node,
    subjectDer: new Uint8Array(cert.subjectName.toArrayBuffer()),
    issuerDer: new Uint8Array(cert.issuerName.toArrayBuffer()),
    spki: new Uint8Array(cert.publicKey.rawData),
    serial: hexToBytes(cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    ski: ski ? hexToBytes(ski.keyId) : undefined,
    akiKeyId: aki?.keyId ? hexToBytes(aki.keyId) : undefined,
    basicConstraints: bc ? { ca: bc.ca, pathLength: bc.pathLength } : undefined,
    keyUsage: ku?.usages,
    crlUris,
    noRevAvail: cert.extensions.some((e) => e.type === NO_REV_AVAIL),
    bare: cert.extensions.length === 0,
  };
}

export interface CsrInfo {
  subject: x509.Name;
  spki: Uint8Array;
  /** The extensions the CSR requests (PKCS#9 extensionRequest). */
  extensions: x509.Extension[];
}

/**
 * Reads a PKCS#10 request, PEM text or DER, and checks its self-signature (proof of possession of
 * the private key). X509Error when malformed or when the signature does not verify.
 */
export async function parseCsr(bytes: Uint8Array, format: "PEM" | "DER"): Promise<CsrInfo> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    if (format === "PEM") {
      const text = utf8.decode(bytes);
      if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(text)) throw new Error("no PEM CERTIFICATE REQUEST block");
      csr = new x509.Pkcs10CertificateRequest(
        text
          .replace("NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST")
          .replace("NEW CERTIFICATE REQUEST", "CERTIFICATE REQUEST"),
      );
    } else {
      if (bytes[0] !== 0x30) throw new Error("DER must start with a SEQUENCE");
      csr = new x509.Pkcs10CertificateRequest(new Uint8Array(bytes));
    }
  } catch (e) {
    throw new X509Error(
      `not a valid ${format === "PEM" ? "PEM" : "DER (PKCS10)"} certificate signing request (${(e as Error).message})`,
    );
  }
  let ok = false;
  try {
    ok = await csr.verify();
  } catch (e) {
    throw new X509Error(`the signature of the certificate signing request cannot be checked (${(e as Error).message})`);
  }
  if (!ok) throw new X509Error("the signature of the certificate signing request does not verify");
  return { subject: csr.subjectName, spki: new Uint8Array(csr.publicKey.rawData), extensions: csr.extensions };
}

/** Do two SubjectPublicKeyInfo DER encodings hold the same key (whatever the point encoding)? */
export function sameKey(spkiA: Uint8Array, spkiB: Uint8Array): boolean {
  try {
    const a = createPublicKey({ key: Buffer.from(spkiA), format: "der", type: "spki" });
    const b = createPublicKey({ key: Buffer.from(spkiB), format: "der", type: "spki" });
    return a.equals(b);
  } catch {
    return false;
  }
}
