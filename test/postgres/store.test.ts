/**
 * The PostgreSQL store directly, two instances (two nodes) on one database: the rotation claim of
 * a key generation goes to exactly one of them, and the figures for /metrics come from the database.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { requirePostgres, startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { PostgresStore } from "../../src/store/postgres.ts";
import type { StoredObject } from "../../src/store/store.ts";

const ok = requirePostgres("test/postgres/store.test.ts");

let pg: PgCluster;
let a: PostgresStore;
let b: PostgresStore;

function key(id: string, attributes: Record<string, unknown>): StoredObject {
  return {
    id,
    objectType: "SymmetricKey",
    object: { KeyBlock: {} },
    attributes: { CryptographicAlgorithm: "AES", ...attributes } as StoredObject["attributes"],
    state: "Active",
    owner: "alice",
    tags: [],
  };
}

describe.skipIf(!ok)("PostgreSQL store shared by two nodes", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    const url = await pg.createDatabase("store");
    [a, b] = [await PostgresStore.connect(url), await PostgresStore.connect(url)];
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    pg?.dispose();
  });

  test("claimRotation: of two nodes claiming one generation at once, exactly one wins; candidates follow", async () => {
    const ids: string[] = Array.from({ length: 5 }, () => crypto.randomUUID());
    for (const id of ids)
      await a.insert(
        key(id, {
          RotateAutomatic: true,
          RotateGeneration: 3,
          Name: [{ NameValue: `n-${id}`, NameType: "UninterpretedTextString" }],
        }),
      );
    await a.insert(key(crypto.randomUUID(), { RotateAutomatic: false }));
    expect((await b.rotationCandidates()).filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const wins = await Promise.all([a.claimRotation(id, 3), b.claimRotation(id, 3)]);
      expect(wins.filter(Boolean), id).toHaveLength(1);
      expect(await a.claimRotation(id, 3)).toBe(false);
      // the rest of the attributes are untouched, in the same order
      expect(Object.keys((await b.get(id))!.attributes)).toEqual([
        "CryptographicAlgorithm",
        "RotateAutomatic",
        "RotateGeneration",
        "Name",
        "RotateLatest",
      ]);
    }
    expect(await b.claimRotation(crypto.randomUUID(), 0)).toBe(false);
    expect((await a.rotationCandidates()).filter((id) => ids.includes(id))).toEqual([]);
  });

  test("stats: object counts by type and state, database size, no cache figures", async () => {
    const s = await b.stats();
    expect(s.objects).toEqual([{ objectType: "SymmetricKey", state: "Active", count: 6 }]);
    expect(s.databaseBytes).toBeGreaterThan(1_000_000);
    expect(s.cache).toBeUndefined();
  });
});
