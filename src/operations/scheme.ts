/**
 * What a cryptographic scheme (symmetric keys, CoverCrypt, elliptic curves, RSA, post-quantum,
 * FF1, X.509) brings to the generic operations. Every member is optional: a scheme implements what
 * it serves. The schemes are listed once, in schemes.ts, and the operations find the scheme that
 * claims a request through the lookups there; nothing registers itself at import time.
 * docs/adding-a-scheme.md walks through adding one.
 */
import type { Attributes, CryptographicParameters } from "../kmip/attributes.ts";
import type { KeyBlock } from "../kmip/objects.ts";
import type { Create, CreateKeyPair, Decrypt, Encrypt, ReKeyKeyPair } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { WireDialect } from "../kmip/wire.ts";
import type { StoredObject } from "../store/store.ts";
import type { OperationContext } from "./context.ts";

/** One half of a generated key pair. */
export interface GeneratedKey {
  /** The object structure (`{KeyBlock}`). */
  object: KmipRecord;
  /** Attributes the generator sets (algorithm, length, format, vendor attributes...). */
  attributes: Partial<Attributes>;
}

/** Generates the material of a key pair; CreateKeyPair (create-key-pair.ts) stores and links it. */
export type KeyPairGenerator = (
  req: CreateKeyPair,
  merged: { common: Attributes; privateKey: Attributes; publicKey: Attributes },
  ctx: OperationContext,
) => Promise<{ privateKey: GeneratedKey; publicKey: GeneratedKey }>;

/** ReKeyKeyPair of a private key of the scheme; runs inside the operation's transaction. */
export type KeyPairRekeyer = ((
  privateKey: StoredObject,
  req: ReKeyKeyPair,
  ctx: OperationContext,
  prepared?: unknown,
) => Promise<KmipRecord>) & {
  /**
   * Runs first, outside the transaction, for the slow part (generating the new keys on a worker
   * thread) so that the write lock is not held meanwhile; its result comes back as `prepared`.
   */
  prepare?: (privateKey: StoredObject, req: ReKeyKeyPair, ctx: OperationContext) => Promise<unknown>;
};

/** Create (KMIP 2.1 §6.1.6) of the objects a scheme claims. */
export interface ObjectCreator {
  handles(req: Create): boolean;
  create(req: Create, ctx: OperationContext): Promise<KmipRecord>;
}

/** CreateKeyPair (KMIP 2.1 §6.1.7) and ReKeyKeyPair (§6.1.41) for the CryptographicAlgorithm values listed. */
export interface KeyPairs {
  algorithms: readonly string[];
  generate: KeyPairGenerator;
  /** Absent: key pairs of these algorithms cannot be re-keyed. */
  rekey?: KeyPairRekeyer;
}

/** Encrypt (KMIP 2.1 §6.1.18) / Decrypt (§6.1.12) for the keys and requests the scheme claims. */
export interface Cipher {
  handles(key: StoredObject, req: Encrypt | Decrypt, op: "Encrypt" | "Decrypt"): boolean;
  encrypt?(key: StoredObject, req: Encrypt, ctx: OperationContext): Promise<KmipRecord>;
  decrypt?(key: StoredObject, req: Decrypt, ctx: OperationContext): Promise<KmipRecord>;
}

/**
 * Sign (KMIP 2.1 §6.1.46) / SignatureVerify (§6.1.47). The operations check the key's type, state and usage
 * mask and handle streaming; `params` are the request's CryptographicParameters (the scheme falls
 * back to those stored on the key as it sees fit).
 */
export interface Signer {
  handles(key: StoredObject): boolean;
  /** May be asynchronous (slow signatures run off the event loop). */
  sign(
    key: StoredObject,
    data: Uint8Array,
    prehashed: boolean,
    params: CryptographicParameters | undefined,
    ctx: OperationContext,
  ): Uint8Array | Promise<Uint8Array>;
  verify(
    key: StoredObject,
    data: Uint8Array,
    signature: Uint8Array,
    prehashed: boolean,
    params: CryptographicParameters | undefined,
  ): boolean;
}

/** Key wrapping (KMIP 2.1 §2.1.5) with the scheme's keys; symmetric keys wrap with AES key wrap (common/wrap.ts). */
export interface KeyWrapper {
  handles(wrappingKey: StoredObject): boolean;
  /** `params`: EncryptionKeyInformation.CryptographicParameters of the request (recorded in KeyWrappingData). */
  wrap(
    wrappingKey: StoredObject,
    plaintext: Uint8Array,
    ctx: OperationContext,
    params?: KmipRecord,
  ): Promise<Uint8Array>;
  /** The key that unwraps what `wrappingKey` wrapped (e.g. the private key linked to a certificate). */
  unwrapKeyFor?(wrappingKey: StoredObject, ctx: OperationContext): Promise<StoredObject>;
  unwrap(
    unwrappingKey: StoredObject,
    ciphertext: Uint8Array,
    ctx: OperationContext,
    params?: KmipRecord,
  ): Promise<Uint8Array>;
}

/** Key formats (KMIP 2.1 §2.1.7) on Get/Export, and validation of imported key blocks. */
export interface KeyFormats {
  /**
   * The key block in `format` (undefined = the scheme's default), or undefined when the key is not
   * the scheme's or may stay as stored. Throws Key_Format_Type_Not_Supported for formats it refuses.
   */
  exportKey?(o: StoredObject, kb: KeyBlock, format: string | undefined, wire: WireDialect): KeyBlock | undefined;
  /**
   * Called on every imported key block (Import, Register), for every scheme: validates the keys the
   * scheme recognises (throwing Invalid_Field when malformed) and may normalise `kb` and `attrs` in place.
   */
  importKey?(kb: KeyBlock, attrs: Attributes, ctx: OperationContext): void;
}

export interface Scheme {
  /** For messages and the documentation. */
  readonly name: string;
  readonly create?: ObjectCreator;
  readonly keyPairs?: KeyPairs;
  readonly formats?: KeyFormats;
  readonly cipher?: Cipher;
  readonly signer?: Signer;
  readonly wrapper?: KeyWrapper;
  /**
   * Operations of the table in dispatch.ts that exist for this scheme (e.g. Certify for X.509). The
   * table stays the one list of operations; this says which scheme they belong to (a test checks both agree).
   */
  readonly operations?: readonly string[];
}
