/**
 * Extension points filled by scheme-specific operation modules (CoverCrypt, key pairs, FPE...),
 * so that the generic operations stay free of scheme details. Registration happens in dispatch.ts.
 */
import type { Create } from "../kmip/requests.ts";
import type { KmipRecord } from "../kmip/struct.ts";
import type { OperationContext } from "./context.ts";

export type CreateHook = (req: Create, ctx: OperationContext) => Promise<KmipRecord>;

/** ObjectType -> creator for types other than SymmetricKey and SecretData (e.g. CoverCrypt user keys). */
export const createKeyHooks: Record<string, CreateHook> = {};

import type { Decrypt, Encrypt } from "../kmip/requests.ts";
import type { StoredObject } from "../store/store.ts";

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
