/**
 * The storage contract. One interface, one file per backend (sqlite.ts, postgres.ts; open.ts picks
 * one from the configuration).
 *
 * Every method that writes runs inside `atomic` when it is part of a larger change, so that a
 * request either lands whole or not at all. Destroy overwrites key material; the backend must not
 * keep old copies readable (SQLite: secure_delete, then `scrub`;
 * PostgreSQL: see docs/postgresql.md). A backend seals the object column
 * with the keyring of sealed.ts (key material is never written in clear) and offers `SealableRows`
 * for migration and master key rotation.
 */
import type { Attributes } from "../kmip/attributes.ts";
import type { KmipRecord } from "../kmip/struct.ts";

export type ObjectState =
  | "PreActive"
  | "Active"
  | "Deactivated"
  | "Compromised"
  | "Destroyed"
  | "Destroyed_Compromised";

/** A managed object as stored: the KMIP object (e.g. `{KeyBlock}`) and its attributes. */
export interface StoredObject {
  id: string;
  /** KMIP ObjectType name: SymmetricKey, PrivateKey, PublicKey, Certificate, SecretData, ... */
  objectType: string;
  /** The object structure, without its tag (`{KeyBlock: ...}` or `{CertificateType, CertificateValue}`). */
  object: KmipRecord;
  attributes: Attributes;
  state: ObjectState;
  owner: string;
  tags: string[];
}

export interface LocateQuery {
  /** Only objects this user owns or holds any grant on. */
  user: string;
  tags?: string[];
  objectType?: string;
  cryptographicAlgorithm?: string;
  cryptographicLength?: number;
  keyFormatType?: string;
  /** When absent, destroyed objects are excluded. */
  state?: string;
  /** Objects with a Name of each of these values (indexed). */
  names?: string[];
  /** Objects with each of these links (indexed by target). */
  links?: { linkType: string; target: string }[];
  /** Upper bound on returned rows (after the SQL filters; other filters run in JS). */
  limit?: number;
}

export interface Grant {
  userId: string;
  operations: string[];
}

export interface ObtainedGrant {
  objectId: string;
  ownerId: string;
  state: ObjectState;
  operations: string[];
}

export interface AuditRow {
  seq: number;
  line: string;
  time: string;
  requestId: string;
  user: string;
  client?: string;
  operation: string;
  objectId?: string;
  result: string;
}

export interface StoreStats {
  /** Object counts by type and state (one GROUP BY). */
  objects: { objectType: string; state: string; count: number }[];
  databaseBytes?: number;
  cache?: { entries: number; capacity: number; hits: number; misses: number };
}

export interface ObjectStore {
  /** Which backend this is (reported by /health). */
  readonly kind: "sqlite" | "postgresql";
  /** Runs `fn` in one transaction: all its writes land, or none (rolled back on throw). */
  atomic<T>(fn: () => Promise<T>): Promise<T>;
  get(id: string): Promise<StoredObject | undefined>;
  /** Fails with Object_Already_Exists when the id is taken. */
  insert(object: StoredObject): Promise<void>;
  /** Replaces object, attributes, state and tags of an existing id. */
  update(object: StoredObject): Promise<void>;
  /** Removes the row, its tags and its grants. */
  delete(id: string): Promise<void>;
  /** Candidate ids for Locate, in creation order, filtered by the SQL-able criteria. */
  locate(query: LocateQuery): Promise<string[]>;
  /**
   * Ids of objects carrying all `tags`: only those `owner` owns when given (resolution of tag-list
   * UIDs), any owner's otherwise (server-internal bookkeeping).
   */
  idsWithTags(tags: string[], owner?: string): Promise<string[]>;
  /**
   * Ids of `owner`'s objects whose RotateName is `rotateName` (a keyset), in any state, in creation
   * order. Must be an indexed lookup: it runs for every UID that names no object.
   */
  keysetOf(owner: string, rotateName: string): Promise<string[]>;
  ownedBy(user: string): Promise<StoredObject[]>;

  grant(objectId: string, userId: string, operations: string[]): Promise<void>;
  revokeGrant(objectId: string, userId: string, operations: string[]): Promise<void>;
  grantsOn(objectId: string): Promise<Grant[]>;
  /** Operations `userId` holds on `objectId`, wildcard-user grants included. */
  operationsOf(objectId: string, userId: string): Promise<Set<string>>;
  obtainedBy(userId: string): Promise<ObtainedGrant[]>;

  /**
   * Appends one audit record: `line` is its canonical, hash-chained form (src/server/audit-chain.ts),
   * the other fields are copies for queries. Joins the caller's transaction.
   */
  appendAudit(record: AuditRow): Promise<void>;
  /** seq and `line` of the last audit record (in the caller's transaction when there is one); line is null for rows older than the chain. */
  lastAuditRecord(): Promise<{ seq: number; line: string | null } | undefined>;
  /** The newest audit event records first, checkpoints left out (for tests and operators). */
  auditTrail(limit: number): Promise<
    {
      time: string;
      requestId: string;
      user: string;
      client?: string;
      operation: string;
      objectId?: string;
      result: string;
    }[]
  >;

  /**
   * Erases old copies of overwritten rows that the backend may still hold (SQLite: the WAL file), so
   * destroyed key material is gone from disk. Called after Destroy; inside a transaction (a batch
   * with Undo), it runs right after the outermost transaction commits (not at all on rollback).
   */
  scrub(): Promise<void>;

  /** true when the database answers (for /health). */
  healthy(): Promise<boolean>;
  /** Figures for the metrics endpoint (optional: a backend may have none). */
  stats?(): Promise<StoreStats>;
  /**
   * Automatic rotation (src/server/rotation.ts): ids of Active symmetric and private keys with
   * RotateAutomatic true that are the latest of their line (RotateLatest not false).
   */
  rotationCandidates?(): Promise<string[]>;
  /**
   * Claims the rotation of `id` at `generation`: one conditional update that sets RotateLatest to
   * false only while the object is Active, still the latest and still at that RotateGeneration.
   * true for exactly one of several servers sharing the database; false when another got there first.
   */
  claimRotation?(id: string, generation: number): Promise<boolean>;
  close(): Promise<void>;
}
