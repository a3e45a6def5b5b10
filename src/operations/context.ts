/**
 * What every operation receives besides its request: who calls, where objects live, settings.
 */
import type { ObjectStore } from "../store/store.ts";
import type { Logger } from "../server/log.ts";

export interface OperationSettings {
  /** Vendor identification returned by Query and used for vendor attributes. */
  vendorId: string;
  /** Server version string (Query, /version). */
  version: string;
  /** Users allowed to create objects when set; undefined = everyone. */
  privilegedUsers?: string[];
}

/**
 * Which Cosmian wire generation the request came in (see src/kmip/wire.ts): the JS client
 * (cloudproof_kms_js, KMS 4.x: `"type":"Structure"` everywhere, objects under `Object`) or KMS 5.x
 * (no type on Structures, objects under their type tag). Replies follow the request's generation.
 */
export type WireDialect = "cosmian-js" | "kmip-v5";

export interface OperationContext {
  wire: WireDialect;
  user: string;
  store: ObjectStore;
  settings: OperationSettings;
  log: Logger;
  /**
   * A standard (binary TTLV) client: Get without a KeyFormatType returns asymmetric keys as DER
   * byte strings (PKCS#1 RSA public keys, SubjectPublicKeyInfo for others, PKCS#8 private keys)
   * rather than Transparent structures, which such clients rarely parse.
   */
  byteKeyFormats?: boolean;
  /** Set while handling a batch: the id of the last created/located object (KMIP ID Placeholder). */
  idPlaceholder?: string;
}
