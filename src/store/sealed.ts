/**
 * Sealing of stored objects under a master key, for every backend.
 *
 * The stored object structure (key material included) is serialised to JSON (json.ts) and sealed
 * with AES-256-GCM under the master key, the object id as additional authenticated data (a sealed
 * row copied onto another id does not open). Each row carries the id of the key that sealed it, so a
 * rotation tells old rows from new and can be resumed. Attributes, owner, state and tags stay plain
 * (Locate filters on them).
 *
 * The master key sits behind `MasterKey` (seal/unseal with a key id): the file-held key below is one
 * implementation; a key held in an HSM can be another.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { KmipError } from "../kmip/error.ts";

export interface MasterKey {
  /** Short public name of the key (not secret), stored with each row it seals. */
  readonly id: string;
  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Throws when `sealed` was not made by this key with this `aad` (or was altered). */
  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

/** A 32-byte key held in memory, AES-256-GCM (node:crypto), random 96-bit nonces (NIST SP 800-38D). */
export class AesGcmMasterKey implements MasterKey {
  readonly id: string;
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error(`a master key is 32 bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
    // A fingerprint that names the key without revealing it: HMAC-SHA-256(key, label), 64 bits.
    this.id = createHmac("sha256", this.#key).update("kms master key id v1").digest("hex").slice(0, 16);
  }

  seal(plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), nonce, body, cipher.getAuthTag()]);
  }

  unseal(sealed: Uint8Array, aad: Uint8Array): Uint8Array {
    if (sealed.length < 1 + NONCE + TAG || sealed[0] !== VERSION)
      throw new Error("not a sealed object (unknown format)");
    const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    const decipher = createDecipheriv("aes-256-gcm", this.#key, b.subarray(1, 1 + NONCE));
    decipher.setAAD(aad);
    decipher.setAuthTag(b.subarray(b.length - TAG));
    return Buffer.concat([decipher.update(b.subarray(1 + NONCE, b.length - TAG)), decipher.final()]);
  }
}

/** A stored object column: its text, and the id of the key that sealed it (null: plain JSON). */
export interface SealedText {
  text: string;
  sealedBy: string | null;
}

/**
 * The keys a store knows: `current` seals every write; `others` (the previous key during a rotation)
 * only open rows not yet re-sealed.
 */
export class Keyring {
  readonly #byId = new Map<string, MasterKey>();

  constructor(
    readonly current: MasterKey,
    others: MasterKey[] = [],
  ) {
    for (const k of [current, ...others]) this.#byId.set(k.id, k);
  }

  knows(keyId: string): boolean {
    return this.#byId.has(keyId);
  }

  get ids(): string[] {
    return [...this.#byId.keys()];
  }

  seal(objectId: string, json: string): SealedText {
    const sealed = this.current.seal(new TextEncoder().encode(json), aadOf(objectId));
    return { text: Buffer.from(sealed).toString("base64"), sealedBy: this.current.id };
  }

  /** The JSON of a stored object column; plain rows (not yet sealed) pass through. */
  unseal(objectId: string, stored: SealedText): string {
    if (stored.sealedBy === null) return stored.text;
    const key = this.#byId.get(stored.sealedBy);
    if (!key) {
      throw new KmipError(
        "Cryptographic_Failure",
        `object ${objectId} is sealed under master key ${stored.sealedBy}, which this server does not hold`,
      );
    }
    try {
      return new TextDecoder().decode(key.unseal(Buffer.from(stored.text, "base64"), aadOf(objectId)));
    } catch {
      throw new KmipError(
        "Cryptographic_Failure",
        `object ${objectId} cannot be unsealed with master key ${stored.sealedBy} (altered row?)`,
      );
    }
  }
}

const aadOf = (objectId: string) => new TextEncoder().encode(objectId);

/** The object column a backend writes: `[text, sealed_by]`, sealed when the store has a keyring. */
export function objectColumn(keyring: Keyring | undefined, objectId: string, json: string): [string, string | null] {
  if (!keyring) return [json, null];
  const s = keyring.seal(objectId, json);
  return [s.text, s.sealedBy];
}

/** The JSON of an object column a backend read; a sealed row needs the keyring. */
export function openObjectColumn(
  keyring: Keyring | undefined,
  row: { id: string; object: string; sealed_by: string | null },
): string {
  if (keyring) return keyring.unseal(row.id, { text: row.object, sealedBy: row.sealed_by });
  if (row.sealed_by === null) return row.object;
  throw new KmipError(
    "Cryptographic_Failure",
    `object ${row.id} is sealed under master key ${row.sealed_by}, and this store holds no master key`,
  );
}

/** A row as the sealing layer sees it. */
export interface RawObjectRow extends SealedText {
  id: string;
}

/** What a backend offers the sealing layer for migration and rotation. */
export interface SealableRows {
  /** Number of rows by sealing key id (null: plain rows). */
  sealCounts(): Promise<Map<string | null, number>>;
  /** Up to `limit` rows not sealed by `keyId` (plain rows included), in storage order. */
  rowsNotSealedBy(keyId: string, limit: number): Promise<RawObjectRow[]>;
  /** Replaces the object column of these rows, all in one transaction. */
  rewriteRows(rows: RawObjectRow[]): Promise<void>;
}

/**
 * Re-seals under `keyring.current` every row sealed by another known key, or not sealed at all, in
 * transactions of `batch` rows: an interruption leaves every row readable with the keyring, and a
 * second run picks up where the first stopped. Returns the number of rows rewritten.
 */
export async function resealAll(
  rows: SealableRows,
  keyring: Keyring,
  opts: { batch?: number; progress?: (done: number) => void } = {},
): Promise<number> {
  const batch = opts.batch ?? 500;
  let done = 0;
  for (;;) {
    const todo = await rows.rowsNotSealedBy(keyring.current.id, batch);
    if (todo.length === 0) return done;
    await rows.rewriteRows(todo.map((r) => ({ id: r.id, ...keyring.seal(r.id, keyring.unseal(r.id, r)) })));
    done += todo.length;
    opts.progress?.(done);
  }
}
