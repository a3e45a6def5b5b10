/** Byte helpers shared by the tests (unit and integration). */
import { bytesToHex, hexToBytes } from "../../src/crypto/bytes.ts";

/** Lower-case hex of bytes, or of a string's UTF-8. */
export const hex = (b: Uint8Array | string): string =>
  bytesToHex(typeof b === "string" ? new TextEncoder().encode(b) : b).toLowerCase();

/** The bytes of a hex string (either case); anything else is read as Node's Buffer reads hex. */
export const fromHex = (h: unknown): Uint8Array => new Uint8Array(Buffer.from(h as string, "hex"));

/** A hex field of a vector file, strictly parsed; throws when the field is missing (vector files are heterogeneous). */
export const h = (s: string | undefined): Uint8Array => {
  if (s === undefined) throw new Error("missing vector field");
  return hexToBytes(s);
};
