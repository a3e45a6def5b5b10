/**
 * FpeError: the one error type of the FF1/FPE modules.
 *
 * `code` is stable and meant for the operation layer to map onto a KMIP reason; `message` is
 * human-readable, never contains key material, and for the cases cloudproof_js reports it keeps
 * the same wording (e.g. "The stripped input length of 5 is too short ...").
 */
export type FpeErrorCode =
  | "KEY_SIZE" // key length not allowed for the mode
  | "RADIX" // radix outside the allowed range
  | "ROUNDS" // Feistel round count not allowed
  | "TOO_SHORT" // numeral string / stripped text shorter than the minimum domain
  | "TOO_LONG" // numeral string longer than 2^32 - 1
  | "NUMERAL" // a numeral is not a digit of the radix
  | "ALPHABET" // unknown preset or invalid custom alphabet
  | "TEXT" // text is not well-formed Unicode
  | "DIGITS" // integer digit count below the minimum
  | "VALUE_RANGE" // integer value above radix^digits - 1
  | "INVALID_DIGIT" // integer string not parseable in the radix
  | "FLOAT" // float text / bits not parseable
  | "METADATA"; // KMS FPE metadata (AAD) not usable

export class FpeError extends Error {
  readonly code: FpeErrorCode;
  constructor(code: FpeErrorCode, message: string) {
    super(message);
    this.name = "FpeError";
    this.code = code;
  }
}
