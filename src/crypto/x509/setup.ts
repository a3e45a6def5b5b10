/**
 * The one entry point to @peculiar/x509 (RFC 5280 certificates, RFC 2986 CSRs): it needs the
 * reflect-metadata polyfill loaded once before it, and a WebCrypto provider (the runtime's
 * `crypto`, present on Node >= 20, Bun and Deno). Every module of this folder imports `x509` from here.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };

/**
 * A certificate, CSR, extension text or chain that cannot be used. The message says why and never
 * contains key material; the operation layer maps it to a KMIP reason.
 */
export class X509Error extends Error {
  override readonly name = "X509Error";
}
