/**
 * CoverCrypt errors. `kind` is the name of the Rust `cosmian_cover_crypt::Error` variant (v14.0.0,
 * src/error.rs) and `message` is its Debug form, e.g. `ExistingCombination("[Security Level::Low]")`,
 * which is what cloudproof_js shows after its prefix ("Error encrypting header: …"). The operation
 * layer can map `kind` to a KMIP reason. Messages never contain key material.
 */
export type CoverCryptErrorKind =
  | "CryptoCoreError"
  | "KeyError"
  | "AttributeNotFound"
  | "UnsupportedOperator"
  | "CapacityOverflow"
  | "ExistingPolicy"
  | "OperationNotPermitted"
  | "InvalidBooleanExpression"
  | "InvalidAttribute"
  | "DimensionNotFound"
  | "DeserializationError"
  | "ExistingCombination"
  | "InsufficientAccessPolicy"
  | "ConversionFailed";

/** Rust `{:?}` of a `String`: quoted, with `"` `\` and control characters escaped. */
export function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\0") out += "\\0";
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

export class CoverCryptError extends Error {
  readonly kind: CoverCryptErrorKind;
  /** The variant payload (human-readable, no secrets); undefined for unit variants. */
  readonly detail: string | undefined;

  constructor(kind: CoverCryptErrorKind, detail?: string, debugPayload?: string) {
    super(detail === undefined ? kind : `${kind}(${debugPayload ?? rustDebugString(detail)})`);
    this.name = "CoverCryptError";
    this.kind = kind;
    this.detail = detail;
  }
}

/** AES-GCM authentication failure, shown by Cosmian as `CryptoCoreError(DecryptionError)`. */
export const decryptionError = (): CoverCryptError =>
  new CoverCryptError("CryptoCoreError", "DecryptionError", "DecryptionError");

/** A malformed serialized key/ciphertext (Cosmian: CryptoCoreError from its Deserializer). */
export const malformed = (what: string): CoverCryptError =>
  new CoverCryptError("CryptoCoreError", what, `DeserializationSizeError(${rustDebugString(what)})`);
