/**
 * Master key rotation (`kms master-key rotate`) on a real database of a few thousand objects:
 * SIGKILLed half-way, every object still opens with the two keys, and the next server start finishes
 * the job (then every object opens with the new key alone); with --new-master-key-file, the server
 * must be started with the new file, the old one being refused; no rotation while a server runs.
 */
import { afterEach, expect, test } from "vitest";
import { Database } from "bun:sqlite";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "../../src/server/main.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import { createLogger, silentLogger } from "../../src/server/log.ts";
import { openStore } from "../../src/server/storage.ts";
import { SqliteStore } from "../../src/store/sqlite.ts";
import { Keyring } from "../../src/store/sealed.ts";
import { readMasterKeyFile } from "../../src/store/master-key-file.ts";
import { find, postKmip, t, valueOf } from "../helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data folder with `n` AES keys sealed under its generated master key; returns id -> key hex. */
async function seed(n: number): Promise<{ dir: string; keys: Map<string, string> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "kms-rotate-"));
  dirs.push(dir);
  const store = await openStore({ dataDir: dir, log: silentLogger });
  const keys = new Map<string, string>();
  await store.atomic(async () => {
    for (let i = 0; i < n; i++) {
      const id = `key-${i}`;
      const k = randomBytes(32);
      keys.set(id, k.toString("hex").toUpperCase());
      await store.insert({
        id,
        objectType: "SymmetricKey",
        state: "Active",
        owner: "admin",
        tags: [],
        object: {
          KeyBlock: {
            KeyFormatType: "Raw",
            KeyValue: { KeyMaterial: new Uint8Array(k) },
            CryptographicAlgorithm: "AES",
            CryptographicLength: 256,
          },
        },
        attributes: {
          ObjectType: "SymmetricKey",
          CryptographicAlgorithm: "AES",
          CryptographicLength: 256,
          State: "Active",
        } as never,
      });
    }
  });
  await store.close();
  return { dir, keys };
}

function sealCounts(dir: string): Map<string | null, number> {
  const db = new Database(path.join(dir, "kms.db"), { readonly: true });
  try {
    return new Map(
      db
        .query<{ sealed_by: string | null; n: number }, []>(
          "SELECT sealed_by, COUNT(*) AS n FROM objects GROUP BY sealed_by",
        )
        .all()
        .map((r) => [r.sealed_by, r.n]),
    );
  } finally {
    db.close();
  }
}

/** Every object opens with exactly these keys and holds the bytes it was given. */
async function expectAllOpen(dir: string, keyring: Keyring, keys: Map<string, string>): Promise<void> {
  const store = new SqliteStore(path.join(dir, "kms.db"), keyring);
  try {
    let checked = 0;
    for (const [id, hex] of keys) {
      const o = await store.get(id);
      const material = ((o!.object.KeyBlock as Record<string, unknown>).KeyValue as Record<string, Uint8Array>)
        .KeyMaterial;
      expect(Buffer.from(material).toString("hex").toUpperCase(), id).toBe(hex);
      checked++;
    }
    expect(checked).toBe(keys.size);
  } finally {
    await store.close();
  }
}

test("SIGKILL half-way through a rotation of 3000 objects: all still open with both keys; the next start finishes it", async () => {
  const { dir, keys } = await seed(3000);
  const keyFile = path.join(dir, "master.key");
  const old = readMasterKeyFile(keyFile);

  const child = spawn(
    bun,
    [path.join(root, "src/cli/main.ts"), "master-key", "rotate", "--data-dir", dir, "--batch-size", "10"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let err = "";
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
    if (/"msg":"re-sealed"/.test(err)) child.kill("SIGKILL");
  });
  const { signal } = await exited;
  expect(signal, err).toBe("SIGKILL");

  // Half-way: rows under both keys, the new key waiting in master.key.next, master.key unchanged.
  const next = readMasterKeyFile(keyFile + ".next");
  const counts = sealCounts(dir);
  expect(counts.get(next.id)! > 0 && counts.get(old.id)! > 0, JSON.stringify([...counts])).toBe(true);
  expect(counts.get(next.id)! + counts.get(old.id)!).toBe(3000);
  expect(readMasterKeyFile(keyFile).id).toBe(old.id);
  await expectAllOpen(dir, new Keyring(old, [next]), keys);

  // The next start finishes the rotation, then serves every key.
  const lines: string[] = [];
  const server = await startServer(
    { ...structuredClone(DEFAULTS), port: 0, dataDir: dir },
    createLogger("info", (l) => lines.push(l)),
  );
  try {
    expect(lines.some((l) => /finishing an interrupted master key rotation/.test(l))).toBe(true);
    for (const id of ["key-0", "key-1500", "key-2999"]) {
      const r = await postKmip(server.url, t.s("Get", t.e("KeyFormatType", "Raw"), t.text("UniqueIdentifier", id)));
      expect(r.status, r.text).toBe(200);
      expect(valueOf(find(r.json, "KeyValue"), "KeyMaterial")).toBe(keys.get(id));
    }
  } finally {
    await server.stop();
  }
  expect(existsSync(keyFile + ".next")).toBe(false);
  expect(readMasterKeyFile(keyFile).id).toBe(next.id);
  expect(readMasterKeyFile(`${keyFile}.retired-${old.id}`).id).toBe(old.id);
  expect([...sealCounts(dir)]).toEqual([[next.id, 3000]]);
  await expectAllOpen(dir, new Keyring(next), keys);
  // The old key opens nothing any more (rows are bound to the key that sealed them).
  const stale = new SqliteStore(path.join(dir, "kms.db"), new Keyring(old));
  await expect(stale.get("key-0")).rejects.toThrow(
    /sealed under master key [0-9a-f]{16}, which this server does not hold/,
  );
  await stale.close();
});

test("--new-master-key-file: the server then starts with the new file only", async () => {
  const { dir, keys } = await seed(20);
  const keyFile = path.join(dir, "master.key");
  const newFile = path.join(dir, "..", path.basename(dir) + "-new.key");
  dirs.push(newFile);
  const run = () =>
    spawnSync(
      bun,
      [path.join(root, "src/cli/main.ts"), "master-key", "rotate", "--data-dir", dir, "--new-master-key-file", newFile],
      { encoding: "utf8" },
    );
  const r = run();
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/20 objects re-sealed under master key [0-9a-f]{16}/);
  expect(r.stdout).toContain(
    `The new key was generated into ${newFile}: start the server with --master-key-file ${newFile}`,
  );
  expect(readFileSync(newFile, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
  // Run again: nothing left to do, same key.
  expect(run().stdout).toMatch(/^0 objects re-sealed/);

  const config = { ...structuredClone(DEFAULTS), port: 0, dataDir: dir };
  await expect(startServer(config, silentLogger)).rejects.toThrow(
    /sealed under another master key \(20 under key [0-9a-f]{16}\)/,
  );
  const server = await startServer({ ...config, masterKeyFile: newFile }, silentLogger);
  try {
    const g = await postKmip(server.url, t.s("Get", t.e("KeyFormatType", "Raw"), t.text("UniqueIdentifier", "key-7")));
    expect(valueOf(find(g.json, "KeyValue"), "KeyMaterial")).toBe(keys.get("key-7"));
    // No rotation under a running server (it would keep sealing with the key it started with).
    const refused = spawnSync(
      bun,
      [path.join(root, "src/cli/main.ts"), "master-key", "rotate", "--data-dir", dir, "--master-key-file", newFile],
      { encoding: "utf8" },
    );
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`a server (pid ${process.pid}) is running on ${dir}: stop it first`);
    expect(existsSync(newFile + ".next")).toBe(false);
  } finally {
    await server.stop();
  }
  expect(existsSync(path.join(dir, "kms.pid"))).toBe(false);
  expect(existsSync(keyFile)).toBe(true); // the old key file is left for the operator to retire
});
