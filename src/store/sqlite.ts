/**
 * SQLite backend: bun:sqlite on Bun, node:sqlite on Deno, behind the runtime seam (src/runtime/).
 *
 * WAL mode with synchronous=FULL: an acknowledged write survives a crash (sqlite.org/wal.html).
 * secure_delete=ON: freed pages are zeroed, so destroyed key material does not linger in the file.
 * The object column is sealed under the master key when the store is given a keyring (sealed.ts);
 * the database file is created 0600 and SQLite gives its -wal and -shm files the same mode.
 * SQLite is synchronous and a transaction is per connection, so: one writer connection whose
 * transactions are serialised by an async queue (no other request's statements can interleave with an
 * open BEGIN ... COMMIT, even across awaits), and one reader connection that only ever sees committed
 * data. AsyncLocalStorage tells whether the caller is inside its own transaction.
 */
import { runtime, type SqlDatabase as Database } from "../runtime/index.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { chmodSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { KmipError } from "../kmip/error.ts";
import type {
  AuditRow,
  Grant,
  LocateQuery,
  ObjectState,
  ObjectStore,
  ObtainedGrant,
  StoredObject,
  StoreStats,
} from "./store.ts";
import { fromStoredJson, toStoredJson } from "./json.ts";
import { MIGRATIONS } from "./migrations.ts";
import { DIR_MODE, ensurePrivateFile, FILE_MODE } from "./permissions.ts";
import { type Keyring, objectColumn, openObjectColumn, type RawObjectRow, type SealableRows } from "./sealed.ts";

interface ObjectRow {
  id: string;
  object_type: string;
  object: string;
  attributes: string;
  state: string;
  owner: string;
  sealed_by: string | null;
}

/**
 * Keys the rotation scheduler may rotate (scanned every second). INDEXED BY: the planner would pick
 * the state index, which holds nearly every object; the partial index holds only the keys set to
 * rotate automatically (migration 6).
 */
export const ROTATION_CANDIDATES_SQL = `SELECT id FROM objects INDEXED BY objects_rotate_automatic
  WHERE state = 'Active' AND object_type IN ('SymmetricKey', 'PrivateKey')
    AND json_extract(attributes, '$.RotateAutomatic') = 1 AND COALESCE(json_extract(attributes, '$.RotateLatest'), 1) = 1
  ORDER BY seq`;

export class SqliteStore implements ObjectStore, SealableRows {
  readonly kind = "sqlite";
  /** The writer connection. */
  readonly db: Database;
  private readonly reader: Database;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  /**
   * Committed objects by id, so the hot path (Encrypt/Decrypt) does not re-read and re-parse the
   * row. Writes evict their id (again when their transaction ends); transactions read the database.
   * Callers must not mutate returned objects (they build new ones).
   */
  private readonly cache = new Map<string, StoredObject>();
  /** Ids written by the open transaction: not cached by readers until it ends, evicted when it does. */
  private readonly dirty = new Set<string>();
  static readonly CACHE_SIZE = 10_000;
  /** A Destroy asked for a scrub inside a transaction: it runs once the outermost one commits. */
  private scrubDue = false;
  /** Seals the object column; without one (tools and tests only), rows are written plain. */
  private keyring: Keyring | undefined;

  private evict(id: string): void {
    this.cache.delete(id);
    this.dirty.add(id);
  }

  /** `file` is a path, or ":memory:". */
  constructor(
    readonly file: string,
    keyring?: Keyring,
  ) {
    this.keyring = keyring;
    if (file !== ":memory:") {
      // The folder's own mode is the caller's business (see src/server/storage.ts): this may be /tmp.
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: DIR_MODE });
      ensurePrivateFile(file);
    }
    this.db = runtime.openDatabase(file);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec("PRAGMA synchronous = FULL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.db.exec("PRAGMA secure_delete = ON");
    this.db.exec("PRAGMA busy_timeout = 5000");
    this.migrate();
    this.reader = file === ":memory:" ? this.db : runtime.openDatabase(file, { readonly: true });
    this.reader.exec("PRAGMA busy_timeout = 5000");
  }

  /** Reads inside a transaction see its own writes; outside, only committed data. */
  private get r(): Database {
    return this.inTransaction.getStore() ? this.db : this.reader;
  }

  static open(dataDir: string, keyring?: Keyring): SqliteStore {
    return new SqliteStore(path.join(dataDir, "kms.db"), keyring);
  }

  /** Seals every later write with `keyring` (and opens rows sealed by any of its keys). */
  useKeyring(keyring: Keyring): void {
    this.keyring = keyring;
    this.cache.clear();
  }

  /**
   * Brings the schema to the latest version in one transaction: a new database is created with one
   * commit (one fsync, not one per migration), and an upgrade that fails leaves the database as it
   * was. An up-to-date database is only read.
   */
  private migrate(): void {
    const hasTable = () =>
      !!this.db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
    const current = () =>
      hasTable() ? this.db.query<{ version: number }, []>("SELECT version FROM schema_version").get() : undefined;
    const check = (version: number) => {
      if (version > MIGRATIONS.length) {
        throw new Error(`database schema version ${version} is newer than this server (${MIGRATIONS.length})`);
      }
    };
    const before = current();
    check(before?.version ?? 0);
    if (before?.version === MIGRATIONS.length) return;
    this.db.exec("BEGIN IMMEDIATE");
    try {
      this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      const row = current(); // again, under the write lock
      let version = row?.version ?? 0;
      check(version);
      if (!row) this.db.exec("INSERT INTO schema_version (version) VALUES (0)");
      for (; version < MIGRATIONS.length; version++) this.db.exec(MIGRATIONS[version]);
      this.db.query("UPDATE schema_version SET version = ?").run(version);
      this.db.exec("COMMIT");
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return fn(); // nested: part of the caller's transaction
    const run = () =>
      this.inTransaction.run(true, async () => {
        this.db.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn();
          this.db.exec("COMMIT");
          if (this.scrubDue) this.checkpoint();
          return result;
        } catch (e) {
          this.db.exec("ROLLBACK");
          throw e;
        } finally {
          this.scrubDue = false;
          for (const id of this.dirty) this.cache.delete(id);
          this.dirty.clear();
        }
      });
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** A single write: joins the caller's transaction, or runs as its own. */
  private write<T>(fn: () => T): Promise<T> {
    return this.atomic(async () => fn());
  }

  async get(id: string): Promise<StoredObject | undefined> {
    const inTx = !!this.inTransaction.getStore();
    if (!inTx) {
      const hit = this.cache.get(id);
      if (hit) {
        this.cacheHits++;
        return hit;
      }
      this.cacheMisses++;
    }
    const row = this.r.query<ObjectRow, [string]>("SELECT * FROM objects WHERE id = ?").get(id);
    if (!row) return undefined;
    const object = this.toObject(row);
    if (!inTx && !this.dirty.has(id)) {
      if (this.cache.size >= SqliteStore.CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, object);
    }
    return object;
  }

  private toObject(row: ObjectRow): StoredObject {
    const tags = this.r
      .query<{ tag: string }, [string]>("SELECT tag FROM tags WHERE id = ? ORDER BY rowid")
      .all(row.id);
    const json = openObjectColumn(this.keyring, row);
    return {
      id: row.id,
      objectType: row.object_type,
      object: fromStoredJson(json),
      attributes: fromStoredJson(row.attributes),
      state: row.state as ObjectState,
      owner: row.owner,
      tags: tags.map((t) => t.tag),
    };
  }

  /** The object column of `o`: sealed when the store has a keyring. */
  private sealed(o: StoredObject): [string, string | null] {
    return objectColumn(this.keyring, o.id, toStoredJson(o.object));
  }

  async insert(o: StoredObject): Promise<void> {
    return this.write(() => {
      this.evict(o.id);
      const exists = this.db.query("SELECT 1 FROM objects WHERE id = ?").get(o.id);
      if (exists)
        throw new KmipError("Object_Already_Exists", `an object with the unique identifier ${o.id} already exists`);
      this.db
        .query(
          "INSERT INTO objects (id, object_type, object, sealed_by, attributes, state, owner, algorithm, length, key_format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(o.id, o.objectType, ...this.sealed(o), toStoredJson(o.attributes), o.state, o.owner, ...this.indexed(o));
      this.writeTags(o.id, o.tags);
      this.writeIndexes(o);
    });
  }

  async update(o: StoredObject): Promise<void> {
    return this.write(() => {
      this.evict(o.id);
      const r = this.db
        .query(
          "UPDATE objects SET object_type = ?, object = ?, sealed_by = ?, attributes = ?, state = ?, owner = ?, algorithm = ?, length = ?, key_format = ? WHERE id = ?",
        )
        .run(o.objectType, ...this.sealed(o), toStoredJson(o.attributes), o.state, o.owner, ...this.indexed(o), o.id);
      if (r.changes === 0) throw new KmipError("Item_Not_Found", `Item not found: ${o.id}`);
      this.db.query("DELETE FROM tags WHERE id = ?").run(o.id);
      this.writeTags(o.id, o.tags);
      this.deleteIndexes(o.id);
      this.writeIndexes(o);
    });
  }

  private indexed(o: StoredObject): [string | null, number | null, string | null] {
    const a = o.attributes;
    return [a.CryptographicAlgorithm ?? null, a.CryptographicLength ?? null, a.KeyFormatType ?? null];
  }

  private writeTags(id: string, tags: string[]): void {
    const insert = this.db.query("INSERT OR IGNORE INTO tags (id, tag) VALUES (?, ?)");
    for (const tag of tags) insert.run(id, tag);
  }

  /** The name and link index rows of an object (see migration 4). */
  private writeIndexes(o: StoredObject): void {
    const name = this.db.query("INSERT OR IGNORE INTO object_names (id, kind, value) VALUES (?, ?, ?)");
    for (const n of o.attributes.Name ?? []) if (typeof n?.NameValue === "string") name.run(o.id, "Name", n.NameValue);
    if (typeof o.attributes.RotateName === "string") name.run(o.id, "RotateName", o.attributes.RotateName);
    const link = this.db.query("INSERT OR IGNORE INTO object_links (id, link_type, target) VALUES (?, ?, ?)");
    for (const l of o.attributes.Link ?? []) {
      if (typeof l?.LinkType === "string" && l.LinkedObjectIdentifier !== undefined)
        link.run(o.id, l.LinkType, String(l.LinkedObjectIdentifier));
    }
  }

  private deleteIndexes(id: string): void {
    this.db.query("DELETE FROM object_names WHERE id = ?").run(id);
    this.db.query("DELETE FROM object_links WHERE id = ?").run(id);
  }

  async delete(id: string): Promise<void> {
    return this.write(() => {
      this.evict(id);
      this.deleteIndexes(id);
      this.db.query("DELETE FROM tags WHERE id = ?").run(id);
      this.db.query("DELETE FROM grants WHERE id = ?").run(id);
      this.db.query("DELETE FROM objects WHERE id = ?").run(id);
    });
  }

  async locate(q: LocateQuery): Promise<string[]> {
    const { sql, params } = locateSql(q);
    return this.r
      .query<{ id: string }, (string | number)[]>(sql)
      .all(...params)
      .map((r) => r.id);
  }

  async idsWithTags(tags: string[], owner?: string): Promise<string[]> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return [];
    const { sql, params } = tagsSql(unique, owner);
    return this.r
      .query<{ id: string }, (string | number)[]>(sql)
      .all(...params)
      .map((r) => r.id);
  }

  async keysetOf(owner: string, rotateName: string): Promise<string[]> {
    return this.r
      .query<{ id: string }, [string, string]>(KEYSET_SQL)
      .all(rotateName, owner)
      .map((r) => r.id);
  }

  async ownedBy(user: string): Promise<StoredObject[]> {
    return this.r
      .query<ObjectRow, [string]>("SELECT * FROM objects WHERE owner = ? ORDER BY seq")
      .all(user)
      .map((r) => this.toObject(r));
  }

  async grant(objectId: string, userId: string, operations: string[]): Promise<void> {
    return this.write(() => {
      const insert = this.db.query("INSERT OR IGNORE INTO grants (id, user_id, operation) VALUES (?, ?, ?)");
      for (const op of operations) insert.run(objectId, userId, op);
    });
  }

  async revokeGrant(objectId: string, userId: string, operations: string[]): Promise<void> {
    return this.write(() => {
      const del = this.db.query("DELETE FROM grants WHERE id = ? AND user_id = ? AND operation = ?");
      for (const op of operations) del.run(objectId, userId, op);
    });
  }

  async grantsOn(objectId: string): Promise<Grant[]> {
    const rows = this.r
      .query<{ user_id: string; operation: string }, [string]>(
        "SELECT user_id, operation FROM grants WHERE id = ? ORDER BY user_id, operation",
      )
      .all(objectId);
    const byUser = new Map<string, string[]>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.operation]);
    return [...byUser].map(([userId, operations]) => ({ userId, operations }));
  }

  async operationsOf(objectId: string, userId: string): Promise<Set<string>> {
    const rows = this.r
      .query<{ operation: string }, [string, string]>(
        "SELECT operation FROM grants WHERE id = ? AND user_id IN (?, '*')",
      )
      .all(objectId, userId);
    return new Set(rows.map((r) => r.operation));
  }

  async obtainedBy(userId: string): Promise<ObtainedGrant[]> {
    const rows = this.r
      .query<{ id: string; owner: string; state: string; operation: string }, [string]>(
        `SELECT g.id, o.owner, o.state, g.operation FROM grants g JOIN objects o ON o.id = g.id
         WHERE g.user_id = ? ORDER BY o.seq, g.operation`,
      )
      .all(userId);
    const byId = new Map<string, ObtainedGrant>();
    for (const r of rows) {
      const g = byId.get(r.id) ?? { objectId: r.id, ownerId: r.owner, state: r.state as ObjectState, operations: [] };
      g.operations.push(r.operation);
      byId.set(r.id, g);
    }
    return [...byId.values()];
  }

  async appendAudit(e: AuditRow): Promise<void> {
    return this.write(() => {
      this.db
        .query(
          "INSERT INTO audit (seq, line, time, request_id, user_id, client, operation, object_id, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(e.seq, e.line, e.time, e.requestId, e.user, e.client ?? null, e.operation, e.objectId ?? null, e.result);
    });
  }

  async lastAuditRecord(): Promise<{ seq: number; line: string | null } | undefined> {
    return (
      this.r
        .query<{ seq: number; line: string | null }, []>("SELECT seq, line FROM audit ORDER BY seq DESC LIMIT 1")
        .get() ?? undefined
    );
  }

  /** Every audit record in seq order, checkpoints included (for `kms audit verify`; SQLite only). */
  *auditRows(): Iterable<Omit<AuditRow, "line"> & { line: string | null }> {
    type Row = {
      seq: number;
      line: string | null;
      time: string;
      request_id: string;
      user_id: string;
      client: string | null;
      operation: string;
      object_id: string | null;
      result: string;
    };
    for (const r of this.reader
      .query<Row, []>(
        "SELECT seq, line, time, request_id, user_id, client, operation, object_id, result FROM audit ORDER BY seq",
      )
      .iterate()) {
      yield {
        seq: r.seq,
        line: r.line,
        time: r.time,
        requestId: r.request_id,
        user: r.user_id,
        client: r.client ?? undefined,
        operation: r.operation,
        objectId: r.object_id ?? undefined,
        result: r.result,
      };
    }
  }

  async auditTrail(limit: number) {
    return this.r
      .query<
        {
          time: string;
          request_id: string;
          user_id: string;
          client: string | null;
          operation: string;
          object_id: string | null;
          result: string;
        },
        [number]
      >("SELECT * FROM audit WHERE operation != '(checkpoint)' ORDER BY seq DESC LIMIT ?")
      .all(limit)
      .map((r) => ({
        time: r.time,
        requestId: r.request_id,
        user: r.user_id,
        client: r.client ?? undefined,
        operation: r.operation,
        objectId: r.object_id ?? undefined,
        result: r.result,
      }));
  }

  async scrub(): Promise<void> {
    // Inside a caller's transaction (a batch with Undo) the checkpoint cannot run yet: it runs right
    // after the outermost transaction commits (see atomic), and not at all if it rolls back.
    if (this.inTransaction.getStore()) {
      this.scrubDue = true;
      return;
    }
    // Wait for our own queued transactions, then checkpoint.
    await this.atomic(async () => {});
    this.checkpoint();
  }

  /**
   * Copies the WAL into the database and truncates it: the frames that held old rows are gone, and
   * secure_delete has zeroed the freed space in the database file.
   */
  private checkpoint(): void {
    this.db.query("PRAGMA wal_checkpoint(TRUNCATE)").get();
  }

  async sealCounts(): Promise<Map<string | null, number>> {
    const rows = this.r
      .query<{ sealed_by: string | null; n: number }, []>(
        "SELECT sealed_by, COUNT(*) AS n FROM objects GROUP BY sealed_by",
      )
      .all();
    return new Map(rows.map((r) => [r.sealed_by, r.n]));
  }

  async rowsNotSealedBy(keyId: string, limit: number): Promise<RawObjectRow[]> {
    return this.r
      .query<{ id: string; object: string; sealed_by: string | null }, [string, number]>(
        "SELECT id, object, sealed_by FROM objects WHERE sealed_by IS NULL OR sealed_by <> ? ORDER BY seq LIMIT ?",
      )
      .all(keyId, limit)
      .map((r) => ({ id: r.id, text: r.object, sealedBy: r.sealed_by }));
  }

  async rewriteRows(rows: RawObjectRow[]): Promise<void> {
    return this.write(() => {
      const update = this.db.query("UPDATE objects SET object = ?, sealed_by = ? WHERE id = ?");
      for (const r of rows) {
        this.evict(r.id);
        update.run(r.text, r.sealedBy, r.id);
      }
    });
  }

  /**
   * Rebuilds the database file (no free page keeps an old copy of a row), then empties the WAL. For
   * after a rewrite of every row (sealing of plain rows, rotation).
   */
  async compact(): Promise<void> {
    await this.atomic(async () => {}); // our queued transactions first
    this.db.exec("VACUUM");
    this.checkpoint();
  }

  /**
   * Writes a consistent copy of the database to `dest` (a new file, or an empty one), mode 0600.
   * Rows stay sealed: the copy is useless without the master key.
   */
  async backup(dest: string): Promise<void> {
    ensurePrivateFile(dest);
    if (statSync(dest).size > 0) throw new Error(`${dest} already exists and is not empty`);
    if (process.platform !== "win32") chmodSync(dest, FILE_MODE);
    await this.atomic(async () => {});
    this.db.query("VACUUM INTO ?").run(dest);
    if (process.platform !== "win32") chmodSync(dest, FILE_MODE);
  }

  private cacheHits = 0;
  private cacheMisses = 0;

  async stats(): Promise<StoreStats> {
    const objects = this.reader
      .query<{ objectType: string; state: string; count: number }, []>(
        "SELECT object_type AS objectType, state, count(*) AS count FROM objects GROUP BY object_type, state ORDER BY 1, 2",
      )
      .all();
    const pages = this.reader.query<{ n: number }, []>("SELECT page_count AS n FROM pragma_page_count()").get()?.n ?? 0;
    const size = this.reader.query<{ n: number }, []>("SELECT page_size AS n FROM pragma_page_size()").get()?.n ?? 0;
    return {
      objects,
      databaseBytes: pages * size,
      cache: {
        entries: this.cache.size,
        capacity: SqliteStore.CACHE_SIZE,
        hits: this.cacheHits,
        misses: this.cacheMisses,
      },
    };
  }

  async rotationCandidates(): Promise<string[]> {
    return this.r
      .query<{ id: string }, []>(ROTATION_CANDIDATES_SQL)
      .all()
      .map((r) => r.id);
  }

  async claimRotation(id: string, generation: number): Promise<boolean> {
    return this.write(() => {
      this.evict(id);
      const r = this.db
        .query(
          `UPDATE objects SET attributes = json_set(attributes, '$.RotateLatest', json('false'))
           WHERE id = ? AND state = 'Active' AND COALESCE(json_extract(attributes, '$.RotateGeneration'), 0) = ?
             AND COALESCE(json_extract(attributes, '$.RotateLatest'), 1) = 1`,
        )
        .run(id, generation);
      return r.changes === 1;
    });
  }

  async healthy(): Promise<boolean> {
    try {
      return this.r.query("SELECT 1 AS ok").get() !== null;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.reader !== this.db) this.reader.close();
    this.db.close();
  }
}

/**
 * The statements behind Locate, tag lists and keyset names, built here so tests can check their
 * query plans (every name and link filter goes through an index, never a scan of all objects).
 */
export function locateSql(q: LocateQuery): { sql: string; params: (string | number)[] } {
  const where: string[] = [
    "(o.owner = ? OR EXISTS (SELECT 1 FROM grants g WHERE g.id = o.id AND g.user_id IN (?, '*')))",
  ];
  const params: (string | number)[] = [q.user, q.user];
  // Names and links drive the query: each is an IN over its index table, looked up by value.
  for (const name of new Set(q.names ?? []))
    where.push("o.id IN (SELECT n.id FROM object_names n WHERE n.kind = 'Name' AND n.value = ?)"), params.push(name);
  for (const l of q.links ?? [])
    where.push("o.id IN (SELECT l.id FROM object_links l WHERE l.target = ? AND l.link_type = ?)"),
      params.push(l.target, l.linkType);
  if (q.objectType) where.push("o.object_type = ?"), params.push(q.objectType);
  if (q.cryptographicAlgorithm) where.push("o.algorithm = ?"), params.push(q.cryptographicAlgorithm);
  if (q.cryptographicLength !== undefined) where.push("o.length = ?"), params.push(q.cryptographicLength);
  if (q.keyFormatType) where.push("o.key_format = ?"), params.push(q.keyFormatType);
  if (q.state) where.push("o.state = ?"), params.push(q.state);
  else where.push("o.state NOT IN ('Destroyed', 'Destroyed_Compromised')");
  if (q.tags?.length) {
    // The first tag drives the query like a name (an IN over the tags_tag index), so its cost
    // follows the objects carrying that tag, not the table's size (a scan in seq order checking
    // every object ran at ~100 requests/s with 5,000 objects); further tags are EXISTS on (id, tag).
    const [first, ...more] = new Set(q.tags);
    where.push("o.id IN (SELECT t.id FROM tags t INDEXED BY tags_tag WHERE t.tag = ?)");
    params.push(first);
    for (const tag of more)
      where.push("EXISTS (SELECT 1 FROM tags t WHERE t.id = o.id AND t.tag = ?)"), params.push(tag);
  }
  let sql = `SELECT o.id FROM objects o WHERE ${where.join(" AND ")} ORDER BY o.seq`;
  if (q.limit !== undefined) (sql += " LIMIT ?"), params.push(q.limit);
  return { sql, params };
}

/** Objects carrying every one of `tags` (distinct, non-empty), only `owner`'s when given. */
export function tagsSql(tags: string[], owner?: string): { sql: string; params: (string | number)[] } {
  const marks = tags.map(() => "?").join(",");
  if (owner === undefined) {
    return {
      sql: `SELECT id FROM tags WHERE tag IN (${marks}) GROUP BY id HAVING COUNT(DISTINCT tag) = ?`,
      params: [...tags, tags.length],
    };
  }
  return {
    sql: `SELECT t.id FROM tags t INDEXED BY tags_tag CROSS JOIN objects o ON o.id = t.id WHERE t.tag IN (${marks}) AND o.owner = ? GROUP BY t.id HAVING COUNT(DISTINCT t.tag) = ?`,
    params: [...tags, owner, tags.length],
  };
}

/** The owner's objects of a keyset (any state), looked up by name first (CROSS JOIN fixes the order). */
export const KEYSET_SQL =
  "SELECT n.id FROM object_names n CROSS JOIN objects o ON o.id = n.id WHERE n.kind = 'RotateName' AND n.value = ? AND o.owner = ? ORDER BY o.seq";
