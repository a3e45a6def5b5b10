/**
 * The name and link indexes of the SQLite store (the object_names/object_links migration), on real database files: resolution
 * by keyset name, tag lists of one owner and Locate by Name / Link read through indexes (checked on
 * the query plans, not by timing), the index rows follow insert/update/delete, and the migration
 * fills them for rows written before it existed.
 */
import { afterEach, describe, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KEYSET_SQL, ROTATION_CANDIDATES_SQL, SqliteStore, locateSql, tagsSql } from "../../src/store/sqlite.ts";
import type { StoredObject } from "../../src/store/store.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dbFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "kms-index-"));
  dirs.push(dir);
  return path.join(dir, "kms.db");
}

function object(id: string, owner: string, attributes: Record<string, unknown>): StoredObject {
  return {
    id,
    owner,
    objectType: "SymmetricKey",
    object: {},
    attributes: { ObjectType: "SymmetricKey", ...attributes },
    state: "Active",
    tags: ["_kk"],
  } as StoredObject;
}

/** The query plan's lines; a "SCAN" of a table means reading all its rows. */
function plan(store: SqliteStore, q: { sql: string; params: (string | number)[] }): string[] {
  return store.db
    .query(`EXPLAIN QUERY PLAN ${q.sql}`)
    .all(...(q.params as never[]))
    .map((r) => (r as { detail: string }).detail);
}

describe("query plans: no full scans", () => {
  test("keyset names, tag lists of one owner, Locate by Name, by Link and by tag all SEARCH an index", async () => {
    const store = new SqliteStore(dbFile());
    // some rows, and fresh statistics, so the planner has data to choose from
    for (let i = 0; i < 200; i++) {
      await store.insert(
        object(`k${i}`, `user${i % 5}`, {
          Name: [{ NameValue: `n${i}`, NameType: "UninterpretedTextString" }],
          RotateName: `ks${i % 7}`,
          Link: [{ LinkType: "ParentLink", LinkedObjectIdentifier: `k${i - 1}` }],
        }),
      );
    }
    store.db.exec("ANALYZE");
    const queries = {
      keyset: { sql: KEYSET_SQL, params: ["ks1", "user1"] },
      tags: tagsSql(["a", "b"], "user1"),
      byName: locateSql({ user: "user1", names: ["n3"] }),
      byLink: locateSql({
        user: "user1",
        objectType: "PrivateKey",
        links: [{ linkType: "CertificateLink", target: "k3" }],
      }),
      byNameAndLink: locateSql({
        user: "user1",
        names: ["n3"],
        links: [{ linkType: "ParentLink", target: "k2" }],
        limit: 10,
      }),
      byTag: locateSql({ user: "user1", tags: ["_kk"] }),
      byTwoTags: locateSql({ user: "user1", objectType: "SymmetricKey", tags: ["_kk", "other"], limit: 10 }),
    };
    for (const [name, q] of Object.entries(queries)) {
      const lines = plan(store, q);
      expect(
        lines.filter((l) => /^SCAN /.test(l)),
        `${name}: ${lines.join(" | ")}`,
      ).toEqual([]);
      expect(
        lines.some((l) => /^SEARCH (n|l|t) USING INDEX (object_names_value|object_links_target|tags_tag)/.test(l)),
        `${name}: ${lines.join(" | ")}`,
      ).toBe(true);
    }
    await store.close();
  });

  test("the rotation scheduler's scan reads only the keys set to rotate automatically", async () => {
    const store = new SqliteStore(dbFile());
    for (let i = 0; i < 50; i++) await store.insert(object(`plain${i}`, "alice", {}));
    await store.insert(object("rotating", "alice", { RotateAutomatic: true, RotateInterval: 60 }));
    await store.insert(object("stopped", "alice", { RotateAutomatic: false, RotateInterval: 60 }));
    store.db.exec("ANALYZE");
    expect(await store.rotationCandidates()).toEqual(["rotating"]);
    expect(plan(store, { sql: ROTATION_CANDIDATES_SQL, params: [] })).toEqual([
      "SCAN objects USING INDEX objects_rotate_automatic",
    ]);
    await store.close();
  });
});

describe("the indexes follow the objects", () => {
  test("insert, update and delete keep keysets, names and links current; keysets are per owner", async () => {
    const store = new SqliteStore(dbFile());
    await store.insert(
      object("a1", "alice", {
        RotateName: "payroll",
        Name: [{ NameValue: "pay", NameType: "UninterpretedTextString" }],
      }),
    );
    await store.insert(
      object("b1", "bob", {
        RotateName: "payroll",
        Link: [{ LinkType: "CertificateLink", LinkedObjectIdentifier: "a1" }],
      }),
    );
    expect(await store.keysetOf("alice", "payroll")).toEqual(["a1"]);
    expect(await store.keysetOf("bob", "payroll")).toEqual(["b1"]);
    expect(await store.locate({ user: "alice", names: ["pay"] })).toEqual(["a1"]);
    expect(await store.locate({ user: "alice", links: [{ linkType: "CertificateLink", target: "a1" }] })).toEqual([]); // bob's: not visible
    expect(await store.locate({ user: "bob", links: [{ linkType: "CertificateLink", target: "a1" }] })).toEqual(["b1"]);

    await store.update(
      object("a1", "alice", {
        RotateName: "salaries",
        Name: [{ NameValue: "wages", NameType: "UninterpretedTextString" }],
      }),
    );
    expect(await store.keysetOf("alice", "payroll")).toEqual([]);
    expect(await store.keysetOf("alice", "salaries")).toEqual(["a1"]);
    expect(await store.locate({ user: "alice", names: ["pay"] })).toEqual([]);
    expect(await store.locate({ user: "alice", names: ["wages"] })).toEqual(["a1"]);

    await store.delete("b1");
    expect(await store.keysetOf("bob", "payroll")).toEqual([]);
    expect(store.db.query("SELECT COUNT(*) AS n FROM object_links").get()).toEqual({ n: 0 });
    // a failed transaction leaves no index rows behind
    await expect(
      store.atomic(async () => {
        await store.insert(object("c1", "carol", { RotateName: "x" }));
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await store.keysetOf("carol", "x")).toEqual([]);
    await store.close();
  });

  test("the migration fills the indexes for rows written before it", async () => {
    const file = dbFile();
    const old = new SqliteStore(file);
    await old.insert(
      object("a1", "alice", {
        RotateName: "payroll",
        Name: [{ NameValue: "pay", NameType: "UninterpretedTextString" }],
        Link: [{ LinkType: "ParentLink", LinkedObjectIdentifier: "m1" }],
      }),
    );
    await old.insert(
      object("a2", "alice", {
        Name: [
          { NameValue: "pay", NameType: "UninterpretedTextString" },
          { NameValue: "other", NameType: "UninterpretedTextString" },
        ],
      }),
    );
    // back to the schema before the index migration: no index tables, the rows already there
    const before = MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE object_names"));
    expect(before).toBeGreaterThan(0);
    old.db.exec(`DROP TABLE object_names; DROP TABLE object_links; UPDATE schema_version SET version = ${before}`);
    // and undo the later migrations too, so that they can run again
    old.db.exec("ALTER TABLE audit DROP COLUMN line; DROP INDEX objects_rotate_automatic");
    await old.close();

    const store = new SqliteStore(file);
    expect(store.db.query("SELECT version FROM schema_version").get()).toEqual({ version: MIGRATIONS.length });
    expect(await store.keysetOf("alice", "payroll")).toEqual(["a1"]);
    expect(await store.locate({ user: "alice", names: ["pay"] })).toEqual(["a1", "a2"]);
    expect(await store.locate({ user: "alice", names: ["other"] })).toEqual(["a2"]);
    expect(await store.locate({ user: "alice", links: [{ linkType: "ParentLink", target: "m1" }] })).toEqual(["a1"]);
    await store.close();
  });

  test("an upgrade that fails part-way leaves the database as it was; a newer schema is refused", async () => {
    const file = dbFile();
    const old = new SqliteStore(file);
    await old.insert(object("a1", "alice", { Name: [{ NameValue: "pay", NameType: "UninterpretedTextString" }] }));
    // back before the index migration, but with a later migration's column still there: its step fails
    const before = MIGRATIONS.findIndex((m) => m.includes("CREATE TABLE object_names"));
    old.db.exec(`DROP TABLE object_names; DROP TABLE object_links; UPDATE schema_version SET version = ${before}`);
    await old.close();

    expect(() => new SqliteStore(file)).toThrow(/duplicate column/);
    const { Database } = await import("bun:sqlite");
    const db = new Database(file, { readonly: true });
    // the steps that succeeded before the failure were rolled back with it
    expect(db.query("SELECT version FROM schema_version").get()).toEqual({ version: before });
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 'object_names'").get()).toBeNull();
    expect(db.query("SELECT id FROM objects").all()).toEqual([{ id: "a1" }]);
    db.close();

    const newer = new Database(file);
    newer.exec(`UPDATE schema_version SET version = ${MIGRATIONS.length + 1}`);
    newer.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this server/);
  });
});
