/**
 * Extension points filled by scheme-specific operation modules (CoverCrypt, key pairs, FPE...),
 * so that the generic operations stay free of scheme details. Registration happens in dispatch.ts.
 */
import type { Create } from "../../kmip/requests.ts";
import type { KmipRecord } from "../../kmip/struct.ts";
import type { OperationContext } from "../context.ts";

export type CreateHook = (req: Create, ctx: OperationContext) => Promise<KmipRecord>;

/** ObjectType -> creator for types other than SymmetricKey and SecretData (e.g. CoverCrypt user keys). */
export const createKeyHooks: Record<string, CreateHook> = {};

import type { Decrypt, Encrypt } from "../../kmip/requests.ts";
import type { StoredObject } from "../../store/store.ts";

/**
 * A cipher scheme serving Encrypt/Decrypt for keys it recognises (CoverCrypt, FPE, ECIES...).
 * `handles` looks at the key and the request; the first scheme that handles wins, and keys no
 * scheme claims go to the symmetric ciphers.
 */
export interface CipherScheme {
  name: string;
  handles(key: StoredObject, req: Encrypt | Decrypt, op: "Encrypt" | "Decrypt"): boolean;
  encrypt?(key: StoredObject, req: Encrypt, ctx: OperationContext): Promise<KmipRecord>;
  decrypt?(key: StoredObject, req: Decrypt, ctx: OperationContext): Promise<KmipRecord>;
}

export const cipherSchemes: CipherScheme[] = [];

import type { CryptographicParameters } from "../../kmip/attributes.ts";

/**
 * A signature scheme serving Sign / SignatureVerify for keys it recognises (RSA...). The operation
 * (ec/sign.ts) checks the key's type, state and usage mask and handles streaming first; keys no
 * scheme claims are signed as elliptic-curve keys. `params` are the request's
 * CryptographicParameters; the scheme falls back to those stored on the key.
 */
export interface SignatureScheme {
  name: string;
  handles(key: StoredObject): boolean;
  /** May be asynchronous (slow signatures run off the event loop). */
  sign(key: StoredObject, data: Uint8Array, prehashed: boolean, params: CryptographicParameters | undefined): Uint8Array | Promise<Uint8Array>;
  verify(key: StoredObject, data: Uint8Array, signature: Uint8Array, prehashed: boolean, params: CryptographicParameters | undefined): boolean;
}

export const signatureSchemes: SignatureScheme[] = [];
