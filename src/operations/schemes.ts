/**
 * The schemes this server supports, and the lookups the generic operations use to find the one
 * that serves a request (scheme.ts says what a scheme may bring; docs/adding-a-scheme.md how to add one).
 *
 * The order is the precedence: every lookup takes the first scheme, in this order, that claims the
 * request. It matters only where two schemes could claim the same thing:
 *  - hsm first: an object whose id is `hsm::...` lives in the HSM, whatever its algorithm;
 *  - ec before covercrypt: an elliptic-curve key encrypts with ECIES even when the request names
 *    CoverCrypt (CoverCrypt claims any key for a request naming it, to explain the refusal);
 *  - covercrypt before fpe, pqc, rsa and symmetric, for the same reason;
 *  - fpe before symmetric: FF1 keys are symmetric keys, and FPE claims them (and requests naming FPE_FF1);
 * everything else is claimed by one scheme only. Import checks run for every scheme, in this order.
 *
 * The scheme folders' index.ts files are imported from here only (key wrapping, which schemes use,
 * looks wrappers up here, so an index.ts loaded first would find this table half-built), and only
 * when first needed: loadSchemes() imports them (and the libraries behind them: elliptic curves,
 * RSA, post-quantum, CoverCrypt, FF1, PKCS#11) before the first operation that may look a scheme up
 * (dispatch.ts), so that the server starts and answers a Query without them.
 */
import type { KeyBlock } from "../kmip/objects.ts";
import type { Attributes } from "../kmip/attributes.ts";
import type { Create, Decrypt, Encrypt } from "../kmip/requests.ts";
import type { WireDialect } from "../kmip/wire.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";
import type { Cipher, KeyPairs, KeyWrapper, ObjectCreator, Scheme, Signer } from "./scheme.ts";
/** The schemes in order of precedence, once loadSchemes() has resolved. */
let loaded: readonly Scheme[] | undefined;
let loading: Promise<readonly Scheme[]> | undefined;

/** Imports the schemes (once; a failed import is tried again on the next call). */
export function loadSchemes(): Promise<readonly Scheme[]> {
  loading ??= Promise.all([
    import("./hsm/index.ts"),
    import("./ec/index.ts"),
    import("./covercrypt/index.ts"),
    import("./fpe/index.ts"),
    import("./pqc/index.ts"),
    import("./rsa/index.ts"),
    import("./symmetric/index.ts"),
    import("./x509/index.ts"),
  ]).then(
    ([{ hsm }, { ec }, { covercrypt }, { fpe }, { pqc }, { rsa }, { symmetric }, { x509 }]) =>
      (loaded = [hsm, ec, covercrypt, fpe, pqc, rsa, symmetric, x509]),
    (e) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** True once the schemes are loaded (the lookups below may run). */
export const schemesLoaded = (): boolean => loaded !== undefined;

/** The schemes, in order; a lookup before loadSchemes() resolved is a bug of the caller. */
function schemes(): readonly Scheme[] {
  if (!loaded) throw new Error("internal error: a scheme was looked up before loadSchemes() resolved");
  return loaded;
}

/** The creator of the objects `req` asks for (Create). */
export function creatorFor(req: Create): ObjectCreator | undefined {
  return schemes().find((s) => s.create?.handles(req))?.create;
}

/** The key pairs of a CryptographicAlgorithm (CreateKeyPair, ReKeyKeyPair). */
export function keyPairsFor(algorithm: string): KeyPairs | undefined {
  return schemes().find((s) => s.keyPairs?.algorithms.includes(algorithm))?.keyPairs;
}

export function cipherFor(key: StoredObject, req: Encrypt | Decrypt, op: "Encrypt" | "Decrypt"): Cipher | undefined {
  return schemes().find((s) => s.cipher?.handles(key, req, op))?.cipher;
}

export function signerFor(key: StoredObject): Signer | undefined {
  return schemes().find((s) => s.signer?.handles(key))?.signer;
}

export function wrapperFor(key: StoredObject): KeyWrapper | undefined {
  return schemes().find((s) => s.wrapper?.handles(key))?.wrapper;
}

/** The key block in `format`, from the first scheme that converts it; undefined = none does. */
export function exportKey(
  o: StoredObject,
  kb: KeyBlock,
  format: string | undefined,
  wire: WireDialect,
): KeyBlock | undefined {
  for (const s of schemes()) {
    const out = s.formats?.exportKey?.(o, kb, format, wire);
    if (out) return out;
  }
  return undefined;
}

/** Every scheme's import check, in order (they validate and may normalise `kb` and `attrs`). */
export function checkImportedKey(kb: KeyBlock, attrs: Attributes, ctx: OperationContext): void {
  for (const s of schemes()) s.formats?.importKey?.(kb, attrs, ctx);
}
