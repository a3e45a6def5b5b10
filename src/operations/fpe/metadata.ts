/**
 * FPE_FF1 request metadata: what `AuthenticatedEncryptionAdditionalData` asks for.
 *
 * Cosmian's rules (docs/fpe-ff1.md, "In the KMS"; KMS `FpeMetadata::parse`) are implemented once, by
 * `kms.parseMetadata` in src/crypto/ff1/kms.ts: absent/empty/blank -> text over alpha_numeric;
 * JSON `{"type":"text"|"integer"|"float","alphabet":"..."}`; any other string is the alphabet.
 * This module only decides whether a request uses one of this server's extensions; when it does
 * not, the request goes, untouched, through `kms.encrypt`/`kms.decrypt`, so that Cosmian's users
 * get byte-identical results and the same errors.
 *
 * Extensions (JSON metadata only; Cosmian ignores unknown JSON fields, so these requests are not
 * portable back to a Cosmian server, which would silently apply its defaults):
 *   "rounds": 18 | 10                  18 = Cosmian/cloudproof FF1 (default); 10 = NIST SP 800-38G FF1
 *   "additionalCharacters": "..."      text: characters merged into the alphabet (cloudproof_js option)
 *   "type": "big_integer", "radix": 2..16 (default 10), "digits": n (default 6)
 *                                      cloudproof_js big-integer mode: a value in base `radix`,
 *                                      encrypted over exactly `digits` numerals, answered unpadded
 */
import { COSMIAN_ROUNDS, FpeError, NIST_ROUNDS } from "../../crypto/ff1/index.ts";
import { MAX_METADATA_BYTES } from "../../crypto/ff1/kms.ts";

/** Largest `digits` for big_integer: bounds the work (FF1 arithmetic is quadratic in the length). */
export const MAX_BIG_INTEGER_DIGITS = 16_384;

export type ExtendedMetadata =
  | { type: "text"; alphabet: string; additionalCharacters: string; rounds: number }
  | { type: "integer"; alphabet: string; rounds: number }
  | { type: "float"; rounds: number }
  | { type: "big_integer"; radix: number; digits: number; rounds: number };

/** `cosmian`: Cosmian's own rules apply (kms.encrypt/decrypt get the raw metadata). */
export type FpeMetadata = { kind: "cosmian" } | ({ kind: "extended" } & ExtendedMetadata);

const COSMIAN: FpeMetadata = { kind: "cosmian" };
const EXTENSION_FIELDS = ["rounds", "additionalCharacters", "additional_characters", "radix", "digits"];
const decoder = new TextDecoder("utf-8", { fatal: true });

function bad(message: string): never {
  throw new FpeError("METADATA", `failed parsing FPE metadata JSON: ${message}`);
}

/**
 * Reads the metadata. Anything Cosmian's parser must judge (absent, oversize, not UTF-8, not JSON,
 * JSON without extension fields) is returned as `cosmian`, and kms.ts reports its errors.
 */
export function parseFpeMetadata(aad: Uint8Array | undefined): FpeMetadata {
  if (!aad || aad.length === 0 || aad.length > MAX_METADATA_BYTES) return COSMIAN;
  let trimmed: string;
  try {
    trimmed = decoder.decode(aad).trim();
  } catch {
    return COSMIAN;
  }
  if (!trimmed.startsWith("{")) return COSMIAN;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return COSMIAN;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return COSMIAN;
  const o = json as Record<string, unknown>;
  if (o.type !== "big_integer" && !EXTENSION_FIELDS.some((f) => f in o)) return COSMIAN;
  return { kind: "extended", ...extended(o) };
}

function extended(o: Record<string, unknown>): ExtendedMetadata {
  const type = o.type ?? "text";
  if (type !== "text" && type !== "integer" && type !== "float" && type !== "big_integer") {
    bad('"type" must be "text", "integer", "float" or "big_integer"');
  }
  const rounds = o.rounds ?? COSMIAN_ROUNDS;
  if (rounds !== COSMIAN_ROUNDS && rounds !== NIST_ROUNDS) {
    bad(`"rounds" must be ${COSMIAN_ROUNDS} (Cosmian FF1, the default) or ${NIST_ROUNDS} (NIST SP 800-38G FF1)`);
  }
  if ("additionalCharacters" in o && "additional_characters" in o) bad('give "additionalCharacters" once');
  const additional = o.additionalCharacters ?? o.additional_characters ?? undefined;
  if (additional !== undefined && typeof additional !== "string") bad('"additionalCharacters" must be a string');
  if (additional && type !== "text") bad(`"additionalCharacters" applies to type "text" only, not "${type}"`);
  const alphabet = o.alphabet ?? undefined;
  if (alphabet !== undefined && typeof alphabet !== "string") bad('"alphabet" must be a string');
  if (type !== "big_integer") {
    for (const f of ["radix", "digits"]) if (o[f] != null) bad(`"${f}" applies to type "big_integer" only`);
  }
  switch (type) {
    case "text":
      return { type, alphabet: alphabet ?? "alpha_numeric", additionalCharacters: additional ?? "", rounds };
    case "integer":
      if (alphabet === undefined) throw new FpeError("ALPHABET", "integer FPE requires an alphabet or radix hint");
      return { type, alphabet, rounds };
    case "float":
      return { type, rounds }; // like Cosmian, a float ignores "alphabet"
    case "big_integer": {
      if (alphabet !== undefined)
        bad('"alphabet" does not apply to type "big_integer": give "radix" (2..16) and "digits"');
      const radix = o.radix ?? 10;
      const digits = o.digits ?? 6;
      if (typeof radix !== "number" || !Number.isInteger(radix)) bad('"radix" must be an integer');
      if (typeof digits !== "number" || !Number.isInteger(digits)) bad('"digits" must be an integer');
      if (digits > MAX_BIG_INTEGER_DIGITS) {
        throw new FpeError(
          "DIGITS",
          `Integer of digits must be at most ${MAX_BIG_INTEGER_DIGITS} on this server, got ${digits}`,
        );
      }
      return { type, radix, digits, rounds };
    }
  }
}
