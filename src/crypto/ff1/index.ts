/**
 * FF1 format-preserving encryption, Cosmian flavour (18 rounds, AES-256) and NIST (10 rounds).
 * See docs/fpe-ff1.md. Import as namespaces:
 *   import { ff1, text, integer, float, alphabet, kms } from "../crypto/ff1/index.ts";
 */
export * as alphabet from "./alphabet.ts";
export { Alphabet } from "./alphabet.ts";
export { FpeError, type FpeErrorCode } from "./errors.ts";
export * as ff1 from "./ff1.ts";
export { COSMIAN_ROUNDS, Ff1, type Ff1Options, NIST_ROUNDS } from "./ff1.ts";
export * as float from "./float.ts";
export * as integer from "./integer.ts";
export * as kms from "./kms.ts";
export * as text from "./text.ts";
