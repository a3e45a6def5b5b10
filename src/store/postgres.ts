/**
 * PostgreSQL backend (with copy.ts for `kms db migrate`, the only code that talks to PostgreSQL), through Bun's built-in client
 * (Bun's `SQL`, through the runtime seam: a connection pool, transactions; none under Deno). Same contract and method order as sqlite.ts.
 *
 * Several stateless servers may share one database, so this backend keeps no object cache: every
 * read goes to PostgreSQL, and a Revoke, Destroy, ReKey, attribute or grant change made through any
 * node is what every node sees on its next request (a cached copy could let a revoked key encrypt).
 *
 * Transactions run at READ COMMITTED, and `get` inside a transaction locks the row it reads
 * (SELECT ... FOR UPDATE): two nodes changing the same object run one after the other, the second
 * reading what the first committed, so the outcome is that of one serial order. A deadlock or
 * serialization failure rolls the transaction back and runs it again (a few times).
 *
 * The object column is sealed under the master key (sealed.ts), as in SQLite: every node needs the
 * same master key (src/server/storage.ts refuses to generate one for PostgreSQL).
 *
 * Faults: when PostgreSQL cannot be reached (down, restarting, connection cut) a store call fails
 * with a KmipError of kind "unavailable" (HTTP 503, "General_Failure: database unavailable"); the
 * pool reconnects by itself on the next call. A write is acknowledged only after its COMMIT returned.
 */
import { refuseNul, runtime, type SqlClient } from "../runtime/index.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { KmipError } from "../kmip/error.ts";
import type {
  AuditRow,
  Grant,
  LocateQuery,
  ObjectState,
  ObjectStore,
  ObtainedGrant,
  StoreStats,
  StoredObject,
} from "./store.ts";
import { fromStoredJson, toStoredJson } from "./json.ts";
import { POSTGRES_MIGRATIONS } from "./migrations.ts";
import { type Keyring, objectColumn, openObjectColumn, type RawObjectRow, type SealableRows } from "./sealed.ts";
import { redactUrl } from "./database-url.ts";

interface ObjectRow {
  id: string;
  object_type: string;
  object: string;
  attributes: string;
  state: string;
  owner: string;
  sealed_by: string | null;
  tags: string[];
}

type Param = string | number | null;

/** The advisory lock key under which migrations run (any constant: "kms" in ASCII). */
const MIGRATION_LOCK = 0x6b6d73;
/** The advisory lock key that orders audit appends of all nodes ("kma"): the hash chain is one line. */
const AUDIT_LOCK = 0x6b6d61;

/** An object row with its tags in insertion order. */
const SELECT_OBJECT = `SELECT o.id, o.object_type, o.object, o.sealed_by, o.attributes, o.state, o.owner,
  COALESCE((SELECT array_agg(t.tag ORDER BY t.seq) FROM tags t WHERE t.id = o.id), '{}') AS tags
  FROM objects o`;

/** SQLSTATE classes and client error codes that mean "cannot reach the database now". */
function isUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; errno?: unknown };
  const code = typeof err?.code === "string" ? err.code : "";
  const state = typeof err?.errno === "string" ? err.errno : "";
  return (
    /^ERR_POSTGRES_(CONNECTION|IDLE_TIMEOUT|LIFETIME_TIMEOUT|CONNECTION_TIMEOUT|TLS)/.test(code) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /^(08|57P0|53)/.test(state)
  );
}

/** Deadlock, serialization failure: the transaction may simply be run again. */
function isRetryable(e: unknown): boolean {
  const state = (e as { errno?: unknown })?.errno;
  return state === "40P01" || state === "40001";
}

/** A lock wait that exceeded lock_timeout. */
function isBusy(e: unknown): boolean {
  return (e as { errno?: unknown })?.errno === "55P03";
}

function translate(e: unknown): unknown {
  if (e instanceof KmipError) return e;
  const state = (e as { errno?: unknown })?.errno;
  // Data exceptions (a number out of range, an invalid byte sequence): the request's, not ours.
  if (typeof state === "string" && state.startsWith("22"))
    return new KmipError(
      "Invalid_Field",
      "a value of the request cannot be stored (out of range or malformed)",
      "client",
      { cause: e },
    );
  // A statement after a failed one in the same transaction (a batch with Undo goes on after a failure).
  if (state === "25P02")
    return new KmipError(
      "General_Failure",
      "not processed: an earlier statement of this transaction failed",
      "client",
      { cause: e },
    );
  if (isUnavailable(e))
    return new KmipError("General_Failure", "database unavailable, retry later", "unavailable", { cause: e });
  if (isBusy(e) || isRetryable(e))
    return new KmipError(
      "General_Failure",
      "database busy: a concurrent request holds this object, retry",
      "unavailable",
      { cause: e },
    );
  return e;
}

export interface PostgresOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Seconds to wait for a connection (default 5). */
  connectionTimeout?: number;
}

export class PostgresStore implements ObjectStore, SealableRows {
  readonly kind = "postgresql";
  private readonly sql: SqlClient;
  private readonly tx = new AsyncLocalStorage<SqlClient>();
  /** Seals the object column; without one (tools and tests only), rows are written plain. */
  private keyring: Keyring | undefined;
  static readonly TRANSACTION_ATTEMPTS = 4;

  private constructor(url: string, options: PostgresOptions) {
    this.sql = new (runtime.postgresClient())(url, {
      max: options.max ?? 10,
      connectionTimeout: options.connectionTimeout ?? 5,
      idleTimeout: 60,
      // A request never waits forever behind another node's lock, nor leaves a transaction open.
      connection: { lock_timeout: "10s", idle_in_transaction_session_timeout: "60s", application_name: "kms" },
    });
  }

  /** Connects and brings the schema up to date (under an advisory lock: nodes may start together). */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    try {
      await store.migrate();
    } catch (e) {
      await store.sql.close().catch(() => undefined);
      const reason = e instanceof Error ? e.message : String(e);
      throw new Error(
        `cannot open the PostgreSQL database ${redactUrl(url)}: ${reason.replaceAll(url, redactUrl(url))}`,
      );
    }
    return store;
  }

  /** Seals every later write with `keyring` (and opens rows sealed by any of its keys). */
  useKeyring(keyring: Keyring): void {
    this.keyring = keyring;
  }

  /** The caller's transaction, or the pool. */
  private get q(): SqlClient {
    return this.tx.getStore() ?? this.sql;
  }

  private async rows<T>(text: string, params: Param[] = []): Promise<T[]> {
    // PostgreSQL text cannot hold U+0000 (bun:sqlite can): refuse it before it reaches the database.
    refuseNul(params);
    try {
      return (await this.q.unsafe(text, params)) as T[];
    } catch (e) {
      // Inside a transaction a deadlock goes up as is, for `atomic` to run the transaction again.
      throw this.tx.getStore() && isRetryable(e) ? e : translate(e);
    }
  }

  private async exec(text: string, params: Param[] = []): Promise<number> {
    return ((await this.rows(text, params)) as unknown as { count: number }).count;
  }

  private async migrate(): Promise<void> {
    await this.sql.begin(async (tx) => {
      // Held until COMMIT: a second node starting at the same time waits here, then sees the schema.
      await tx.unsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      await tx.unsafe("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      const [row] = (await tx.unsafe("SELECT version FROM schema_version")) as { version: number }[];
      let version = row?.version ?? 0;
      if (!row) await tx.unsafe("INSERT INTO schema_version (version) VALUES (0)");
      if (version > POSTGRES_MIGRATIONS.length) {
        throw new Error(`database schema version ${version} is newer than this server (${POSTGRES_MIGRATIONS.length})`);
      }
      for (; version < POSTGRES_MIGRATIONS.length; version++) {
        await tx.unsafe(POSTGRES_MIGRATIONS[version]);
        await tx.unsafe("UPDATE schema_version SET version = $1", [version + 1]);
      }
    });
  }

  async atomic<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn(); // nested: part of the caller's transaction
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.sql.begin((tx) => this.tx.run(tx, fn))) as T;
      } catch (e) {
        if (isRetryable(e) && attempt < PostgresStore.TRANSACTION_ATTEMPTS) continue;
        throw translate(e);
      }
    }
  }

  async get(id: string): Promise<StoredObject | undefined> {
    // Inside a transaction the row stays locked until COMMIT: what is read is what gets updated.
    const lock = this.tx.getStore() ? " FOR UPDATE OF o" : "";
    const [row] = await this.rows<ObjectRow>(`${SELECT_OBJECT} WHERE o.id = $1${lock}`, [id]);
    return row ? this.toObject(row) : undefined;
  }

  private toObject(row: ObjectRow): StoredObject {
    const json = openObjectColumn(this.keyring, row);
    return {
      id: row.id,
      objectType: row.object_type,
      object: fromStoredJson(json),
      attributes: fromStoredJson(row.attributes),
      state: row.state as ObjectState,
      owner: row.owner,
      tags: [...row.tags],
    };
  }

  /** The object column of `o`: sealed when the store has a keyring. */
  private sealed(o: StoredObject): [string, string | null] {
    return objectColumn(this.keyring, o.id, toStoredJson(o.object));
  }

  async insert(o: StoredObject): Promise<void> {
    return this.atomic(async () => {
      const n = await this.exec(
        `INSERT INTO objects (id, object_type, object, sealed_by, attributes, state, owner, algorithm, length, key_format)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
        [o.id, o.objectType, ...this.sealed(o), toStoredJson(o.attributes), o.state, o.owner, ...this.indexed(o)],
      );
      if (n === 0)
        throw new KmipError("Object_Already_Exists", `an object with the unique identifier ${o.id} already exists`);
      await this.writeTags(o.id, o.tags);
      await this.writeIndexes(o);
    });
  }

  async update(o: StoredObject): Promise<void> {
    return this.atomic(async () => {
      const n = await this.exec(
        "UPDATE objects SET object_type = $1, object = $2, sealed_by = $3, attributes = $4, state = $5, owner = $6, algorithm = $7, length = $8, key_format = $9 WHERE id = $10",
        [o.objectType, ...this.sealed(o), toStoredJson(o.attributes), o.state, o.owner, ...this.indexed(o), o.id],
      );
      if (n === 0) throw new KmipError("Item_Not_Found", `Item not found: ${o.id}`);
      await this.exec("DELETE FROM tags WHERE id = $1", [o.id]);
      await this.writeTags(o.id, o.tags);
      await this.deleteIndexes(o.id);
      await this.writeIndexes(o);
    });
  }

  private indexed(o: StoredObject): [string | null, number | null, string | null] {
    const a = o.attributes;
    return [a.CryptographicAlgorithm ?? null, a.CryptographicLength ?? null, a.KeyFormatType ?? null];
  }

  private async writeTags(id: string, tags: string[]): Promise<void> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return;
    const values = unique.map((_, i) => `($1, $${i + 2})`).join(", ");
    await this.exec(`INSERT INTO tags (id, tag) VALUES ${values} ON CONFLICT DO NOTHING`, [id, ...unique]);
  }

  /** The name and link index rows of an object (see migration 4). */
  private async writeIndexes(o: StoredObject): Promise<void> {
    const names: [string, string][] = [];
    for (const n of o.attributes.Name ?? []) if (typeof n?.NameValue === "string") names.push(["Name", n.NameValue]);
    if (typeof o.attributes.RotateName === "string") names.push(["RotateName", o.attributes.RotateName]);
    if (names.length) {
      const values = names.map((_, i) => `($1, $${2 * i + 2}, $${2 * i + 3})`).join(", ");
      await this.exec(`INSERT INTO object_names (id, kind, value) VALUES ${values} ON CONFLICT DO NOTHING`, [
        o.id,
        ...names.flat(),
      ]);
    }
    const links: [string, string][] = [];
    for (const l of o.attributes.Link ?? []) {
      if (typeof l?.LinkType === "string" && l.LinkedObjectIdentifier !== undefined)
        links.push([l.LinkType, String(l.LinkedObjectIdentifier)]);
    }
    if (links.length) {
      const values = links.map((_, i) => `($1, $${2 * i + 2}, $${2 * i + 3})`).join(", ");
      await this.exec(`INSERT INTO object_links (id, link_type, target) VALUES ${values} ON CONFLICT DO NOTHING`, [
        o.id,
        ...links.flat(),
      ]);
    }
  }

  private async deleteIndexes(id: string): Promise<void> {
    await this.exec("DELETE FROM object_names WHERE id = $1", [id]);
    await this.exec("DELETE FROM object_links WHERE id = $1", [id]);
  }

  async delete(id: string): Promise<void> {
    return this.atomic(async () => {
      // Overwrite the key material first: the deleted row version then holds no secret (PostgreSQL
      // keeps dead row versions until VACUUM; see docs/postgresql.md).
      await this.exec("UPDATE objects SET object = '{}', sealed_by = NULL, attributes = '{}' WHERE id = $1", [id]);
      await this.deleteIndexes(id);
      await this.exec("DELETE FROM tags WHERE id = $1", [id]);
      await this.exec("DELETE FROM grants WHERE id = $1", [id]);
      await this.exec("DELETE FROM objects WHERE id = $1", [id]);
    });
  }

  async locate(q: LocateQuery): Promise<string[]> {
    const params: Param[] = [q.user];
    const p = (v: Param) => (params.push(v), `$${params.length}`);
    const where: string[] = [
      "(o.owner = $1 OR EXISTS (SELECT 1 FROM grants g WHERE g.id = o.id AND g.user_id IN ($1, '*')))",
    ];
    // Names and links drive the query: each is an IN over its index table, looked up by value.
    for (const name of new Set(q.names ?? []))
      where.push(`o.id IN (SELECT n.id FROM object_names n WHERE n.kind = 'Name' AND n.value = ${p(name)})`);
    for (const l of q.links ?? [])
      where.push(
        `o.id IN (SELECT l.id FROM object_links l WHERE l.target = ${p(l.target)} AND l.link_type = ${p(l.linkType)})`,
      );
    if (q.objectType) where.push(`o.object_type = ${p(q.objectType)}`);
    if (q.cryptographicAlgorithm) where.push(`o.algorithm = ${p(q.cryptographicAlgorithm)}`);
    if (q.cryptographicLength !== undefined) where.push(`o.length = ${p(q.cryptographicLength)}`);
    if (q.keyFormatType) where.push(`o.key_format = ${p(q.keyFormatType)}`);
    if (q.state) where.push(`o.state = ${p(q.state)}`);
    else where.push("o.state NOT IN ('Destroyed', 'Destroyed_Compromised')");
    // One EXISTS per tag, each an index probe on tags (id, tag).
    for (const tag of new Set(q.tags ?? []))
      where.push(`EXISTS (SELECT 1 FROM tags t WHERE t.id = o.id AND t.tag = ${p(tag)})`);
    let sql = `SELECT o.id FROM objects o WHERE ${where.join(" AND ")} ORDER BY o.seq`;
    if (q.limit !== undefined) sql += ` LIMIT ${p(q.limit)}`;
    return (await this.rows<{ id: string }>(sql, params)).map((r) => r.id);
  }

  async idsWithTags(tags: string[], owner?: string): Promise<string[]> {
    const unique = [...new Set(tags)];
    if (unique.length === 0) return [];
    const list = unique.map((_, i) => `$${i + 1}`).join(",");
    if (owner === undefined) {
      const sql = `SELECT id FROM tags WHERE tag IN (${list}) GROUP BY id HAVING COUNT(DISTINCT tag) = $${unique.length + 1}`;
      return (await this.rows<{ id: string }>(sql, [...unique, unique.length])).map((r) => r.id);
    }
    const sql = `SELECT t.id FROM tags t JOIN objects o ON o.id = t.id WHERE t.tag IN (${list}) AND o.owner = $${unique.length + 1}
      GROUP BY t.id HAVING COUNT(DISTINCT t.tag) = $${unique.length + 2}`;
    return (await this.rows<{ id: string }>(sql, [...unique, owner, unique.length])).map((r) => r.id);
  }

  async keysetOf(owner: string, rotateName: string): Promise<string[]> {
    const sql =
      "SELECT n.id FROM object_names n JOIN objects o ON o.id = n.id WHERE n.kind = 'RotateName' AND n.value = $1 AND o.owner = $2 ORDER BY o.seq";
    return (await this.rows<{ id: string }>(sql, [rotateName, owner])).map((r) => r.id);
  }

  async ownedBy(user: string): Promise<StoredObject[]> {
    return (await this.rows<ObjectRow>(`${SELECT_OBJECT} WHERE o.owner = $1 ORDER BY o.seq`, [user])).map((r) =>
      this.toObject(r),
    );
  }

  async grant(objectId: string, userId: string, operations: string[]): Promise<void> {
    const unique = [...new Set(operations)];
    if (unique.length === 0) return;
    const values = unique.map((_, i) => `($1, $2, $${i + 3})`).join(", ");
    await this.exec(`INSERT INTO grants (id, user_id, operation) VALUES ${values} ON CONFLICT DO NOTHING`, [
      objectId,
      userId,
      ...unique,
    ]);
  }

  async revokeGrant(objectId: string, userId: string, operations: string[]): Promise<void> {
    if (operations.length === 0) return;
    const list = operations.map((_, i) => `$${i + 3}`).join(",");
    await this.exec(`DELETE FROM grants WHERE id = $1 AND user_id = $2 AND operation IN (${list})`, [
      objectId,
      userId,
      ...operations,
    ]);
  }

  async grantsOn(objectId: string): Promise<Grant[]> {
    const rows = await this.rows<{ user_id: string; operation: string }>(
      'SELECT user_id, operation FROM grants WHERE id = $1 ORDER BY user_id COLLATE "C", operation COLLATE "C"',
      [objectId],
    );
    const byUser = new Map<string, string[]>();
    for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.operation]);
    return [...byUser].map(([userId, operations]) => ({ userId, operations }));
  }

  async operationsOf(objectId: string, userId: string): Promise<Set<string>> {
    const rows = await this.rows<{ operation: string }>(
      "SELECT operation FROM grants WHERE id = $1 AND user_id IN ($2, '*')",
      [objectId, userId],
    );
    return new Set(rows.map((r) => r.operation));
  }

  async obtainedBy(userId: string): Promise<ObtainedGrant[]> {
    const rows = await this.rows<{ id: string; owner: string; state: string; operation: string }>(
      `SELECT g.id, o.owner, o.state, g.operation FROM grants g JOIN objects o ON o.id = g.id
       WHERE g.user_id = $1 ORDER BY o.seq, g.operation COLLATE "C"`,
      [userId],
    );
    const byId = new Map<string, ObtainedGrant>();
    for (const r of rows) {
      const g = byId.get(r.id) ?? { objectId: r.id, ownerId: r.owner, state: r.state as ObjectState, operations: [] };
      g.operations.push(r.operation);
      byId.set(r.id, g);
    }
    return [...byId.values()];
  }

  async appendAudit(e: AuditRow): Promise<void> {
    await this.exec(
      "INSERT INTO audit (seq, line, time, request_id, user_id, client, operation, object_id, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      [e.seq, e.line, e.time, e.requestId, e.user, e.client ?? null, e.operation, e.objectId ?? null, e.result],
    );
  }

  async lastAuditRecord(): Promise<{ seq: number; line: string | null } | undefined> {
    // Several nodes append to one hash chain: inside a transaction, an advisory lock held until
    // COMMIT makes "read the last record, append after it" one step across all nodes.
    if (this.tx.getStore()) await this.exec(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
    const [row] = await this.rows<{ seq: string; line: string | null }>(
      "SELECT seq, line FROM audit ORDER BY seq DESC LIMIT 1",
    );
    return row ? { seq: Number(row.seq), line: row.line } : undefined;
  }

  async auditTrail(limit: number) {
    const rows = await this.rows<{
      time: string;
      request_id: string;
      user_id: string;
      client: string | null;
      operation: string;
      object_id: string | null;
      result: string;
    }>("SELECT * FROM audit WHERE operation <> '(checkpoint)' ORDER BY seq DESC LIMIT $1", [limit]);
    return rows.map((r) => ({
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
    // Nothing to do per request: the overwritten row versions are reclaimed by (auto)VACUUM, which
    // cannot run inside a transaction and is the operator's to schedule (docs/postgresql.md).
  }

  async sealCounts(): Promise<Map<string | null, number>> {
    const rows = await this.rows<{ sealed_by: string | null; n: number }>(
      "SELECT sealed_by, COUNT(*)::int AS n FROM objects GROUP BY sealed_by",
    );
    return new Map(rows.map((r) => [r.sealed_by, r.n]));
  }

  async rowsNotSealedBy(keyId: string, limit: number): Promise<RawObjectRow[]> {
    const rows = await this.rows<{ id: string; object: string; sealed_by: string | null }>(
      "SELECT id, object, sealed_by FROM objects WHERE sealed_by IS NULL OR sealed_by <> $1 ORDER BY seq LIMIT $2",
      [keyId, limit],
    );
    return rows.map((r) => ({ id: r.id, text: r.object, sealedBy: r.sealed_by }));
  }

  async rewriteRows(rows: RawObjectRow[]): Promise<void> {
    return this.atomic(async () => {
      for (const r of rows)
        await this.exec("UPDATE objects SET object = $1, sealed_by = $2 WHERE id = $3", [r.text, r.sealedBy, r.id]);
    });
  }

  /**
   * Rewrites the objects table into new files (VACUUM FULL), so no page keeps an old row version.
   * For after a rewrite of every row (sealing of plain rows); it locks the table while it runs.
   */
  async compact(): Promise<void> {
    await this.exec("VACUUM FULL objects");
  }

  async stats(): Promise<StoreStats> {
    const objects = await this.rows<{ objectType: string; state: string; count: number }>(
      `SELECT object_type AS "objectType", state, count(*)::int AS count FROM objects GROUP BY object_type, state ORDER BY 1, 2`,
    );
    const [size] = await this.rows<{ n: string }>("SELECT pg_database_size(current_database()) AS n");
    return { objects: [...objects], databaseBytes: Number(size?.n ?? 0) }; // no cache on PostgreSQL
  }

  async rotationCandidates(): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      `SELECT id FROM objects WHERE state = 'Active' AND object_type IN ('SymmetricKey', 'PrivateKey')
         AND (attributes::json->>'RotateAutomatic') = 'true' AND COALESCE(attributes::json->>'RotateLatest', 'true') = 'true'
       ORDER BY seq`,
    );
    return rows.map((r) => r.id);
  }

  async claimRotation(id: string, generation: number): Promise<boolean> {
    // The row is locked until COMMIT: of several nodes claiming at once, the first wins and the
    // others then read RotateLatest false.
    return this.atomic(async () => {
      const [row] = await this.rows<{ attributes: string; state: string }>(
        "SELECT attributes, state FROM objects WHERE id = $1 FOR UPDATE",
        [id],
      );
      if (row?.state !== "Active") return false;
      const attributes = fromStoredJson<Record<string, unknown>>(row.attributes);
      if (Number(attributes.RotateGeneration ?? 0) !== generation || attributes.RotateLatest === false) return false;
      await this.exec("UPDATE objects SET attributes = $1 WHERE id = $2", [
        toStoredJson({ ...attributes, RotateLatest: false }),
        id,
      ]);
      return true;
    });
  }

  async healthy(): Promise<boolean> {
    try {
      const [row] = (await this.sql.unsafe("SELECT 1 AS ok")) as { ok: number }[];
      return row?.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}
