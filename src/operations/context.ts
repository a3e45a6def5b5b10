/**
 * What every operation receives besides its request: who calls, where objects live, settings.
 */
import type { ObjectStore } from "../store/store.ts";
import type { WireDialect } from "../kmip/wire.ts";
import type { HsmRuntime } from "./hsm/uid.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * Structured logs (server/log.ts writes them as JSON lines). Callers pass only identifiers, names
 * and sizes, never key material, plaintext or tokens.
 */
export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface OperationSettings {
  /** Vendor identification returned by Query and used for vendor attributes. */
  vendorId: string;
  /** Server version string (Query, /version). */
  version: string;
  /** Users allowed to create objects when set; undefined = everyone. */
  privilegedUsers?: string[];
  /** The configured HSM (PKCS#11) and its admins; undefined = no HSM. */
  hsm?: HsmRuntime;
}

export interface OperationContext {
  /** The wire generation the request came in (kmip/wire.ts); replies follow it. */
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
