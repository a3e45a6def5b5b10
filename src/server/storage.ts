/**
 * The data folder at rest: opening the store with its master key, rotating the master key, backups.
 *
 * Start-up: the folder is made 0700 and its database files 0600 (tightened with a warning when
 * looser, refused when owned by someone else); the master key is read from --master-key-file
 * (default <data-dir>/master.key), or generated there when the database holds no sealed object yet
 * (never otherwise: a new key would orphan the data); a database sealed under another key is refused;
 * plain rows left by an older version are sealed; an interrupted rotation is finished.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { SqliteStore } from "../store/sqlite.ts";
import { openBackend, type Backend, type DatabaseType } from "../store/open.ts";
import { Keyring, resealAll, type MasterKey } from "../store/sealed.ts";
import { generateMasterKeyFile, readMasterKeyFile } from "../store/master-key-file.ts";
import { securedDir, securePath, writePrivateFile } from "../store/permissions.ts";
import type { Logger } from "./log.ts";

export class StorageError extends Error {}

export interface StorageOptions {
  dataDir: string;
  /** Default sqlite (kms.db in dataDir). */
  databaseType?: DatabaseType;
  databaseUrl?: string;
  /** Default: <dataDir>/master.key. */
  masterKeyFile?: string;
  /** A master key held elsewhere (an HSM key-encryption key): replaces the master key file. */
  masterKey?: MasterKey;
  log: Logger;
}

export const masterKeyPath = (o: { dataDir: string; masterKeyFile?: string }) =>
  path.resolve(o.masterKeyFile ?? path.join(o.dataDir, "master.key"));
/** Where `kms master-key rotate` puts the new key until every row is re-sealed under it. */
export const pendingKeyPath = (keyFile: string) => `${keyFile}.next`;

const KEEP_APART =
  "keep it apart from the database: back it up separately (a copy of kms.db or of a backup is useless without it), " +
  "or move it to another disk or a secret store and point --master-key-file at it";

function secureDataDir(o: StorageOptions): void {
  const warn = (msg: string, fields: Record<string, unknown>) => o.log.warn(msg, fields);
  securedDir(o.dataDir, { warn });
  // The database and its -wal/-shm, the default master key and its .next/.retired-<id> copies.
  for (const name of readdirSync(o.dataDir))
    if (/^(kms\.db|master\.key)/.test(name)) securePath(path.join(o.dataDir, name), { warn });
}

function requireDatabase(dataDir: string): void {
  if (!existsSync(path.join(dataDir, "kms.db")))
    throw new StorageError(`there is no database in ${path.resolve(dataDir)} (see --data-dir)`);
}

/** Marks the data folder as served by this process until the returned function is called. */
export function claimDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "kms.pid");
  writePrivateFile(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}

/** Refuses while a live process (other than this one) serves the folder. */
function refuseWhileServed(dataDir: string): void {
  const file = path.join(dataDir, "kms.pid");
  let pid: number;
  try {
    pid = Number(readFileSync(file, "utf8").trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return; // left by a server that died
  }
  throw new StorageError(
    `a server (pid ${pid}) is running on ${path.resolve(dataDir)}: stop it first (if none is, delete ${file})`,
  );
}

function refuseUnknownKeys(counts: Map<string | null, number>, keyring: Keyring, keyFile: string): void {
  const unknown = [...counts].filter(([id]) => id !== null && !keyring.knows(id));
  if (unknown.length === 0) return;
  const list = unknown.map(([id, n]) => `${n} under key ${id}`).join(", ");
  throw new StorageError(
    `the database holds objects sealed under another master key (${list}) than ${keyFile} (key ${keyring.ids.join(", ")}): ` +
      `wrong --master-key-file? (after an interrupted "kms master-key rotate --new-master-key-file F", run the same command again to finish it)`,
  );
}

/**
 * Opens the store (SQLite in `o.dataDir`, or PostgreSQL), sealed under its master key (see the file
 * comment). With PostgreSQL several nodes share the database, so they must share one master key:
 * none is generated, the configured file must exist (the same key on every node).
 */
export async function openStore(o: StorageOptions): Promise<Backend> {
  const postgres = o.databaseType === "postgresql";
  secureDataDir(o);
  const keyFile = masterKeyPath(o);
  if (!o.masterKey && existsSync(pendingKeyPath(keyFile))) {
    if (postgres)
      throw new StorageError(
        `${pendingKeyPath(keyFile)} exists: master key rotation is not supported on PostgreSQL yet; remove that file`,
      );
    o.log.warn("finishing an interrupted master key rotation", {
      masterKeyFile: keyFile,
      newKey: pendingKeyPath(keyFile),
    });
    await rotateMasterKey({ ...o, atStart: true });
  }
  if (postgres && !o.masterKey && !existsSync(keyFile)) {
    throw new StorageError(
      `the master key file ${keyFile} does not exist: with --database-type postgresql every node must seal with the same master key, ` +
        `so none is generated; create one (32 random bytes as 64 hex characters, e.g. "openssl rand -hex 32", mode 0600) and give every node --master-key-file`,
    );
  }
  const store = await openBackend(o);
  try {
    const counts = await store.sealCounts();
    const sealed = [...counts].filter(([id]) => id !== null).reduce((n, [, c]) => n + c, 0);
    let key: MasterKey;
    if (o.masterKey) {
      key = o.masterKey;
    } else if (existsSync(keyFile)) {
      key = readMasterKeyFile(keyFile, { warn: (m, f) => o.log.warn(m, f) });
    } else if (sealed > 0 && [...counts.keys()].some((id) => id?.startsWith("hsm::"))) {
      const kek = [...counts.keys()].find((id) => id?.startsWith("hsm::"));
      throw new StorageError(
        `the database holds ${sealed} objects sealed under the HSM key-encryption key ${kek}: ` +
          `configure the HSM (--hsm-model, --hsm-slot, --hsm-password-file) and --key-encryption-key ${kek}`,
      );
    } else if (sealed > 0) {
      throw new StorageError(
        `the master key file ${keyFile} does not exist, and the database holds ${sealed} objects sealed under a master key: ` +
          `configure the right one with --master-key-file (a new key would leave them unreadable, so none is generated)`,
      );
    } else {
      key = generateMasterKeyFile(keyFile);
      o.log.warn("generated a new master key", { masterKeyFile: keyFile, keyId: key.id, advice: KEEP_APART });
    }
    const keyring = new Keyring(key);
    refuseUnknownKeys(counts, keyring, o.masterKey ? `the key-encryption key ${o.masterKey.id}` : keyFile);
    store.useKeyring(keyring);
    if (counts.get(null)) {
      const n = await resealAll(store, keyring);
      await store.compact();
      o.log.info("sealed the objects stored in plain under the master key", { objects: n, keyId: key.id });
    }
    return store;
  } catch (e) {
    await store.close();
    throw e;
  }
}

export interface RotationResult {
  objects: number;
  oldKeyId: string;
  newKeyId: string;
  /** The file that now holds the master key to start the server with. */
  masterKeyFile: string;
  /** The new key was generated (rather than read from --new-master-key-file). */
  generated: boolean;
  /** Where the previous key was kept (only when the key file was replaced in place). */
  retired?: string;
}

/**
 * Re-seals every object under a new master key. Without `newMasterKeyFile`, the new key is
 * generated into <key file>.next, and once every row is re-sealed the key file is replaced by it
 * (the previous key is kept in <key file>.retired-<id>, for older backups). With it, that file's key
 * (generated there if missing) becomes the key to configure. Killed at any point, every row stays
 * readable with the two keys, and running the command again (or starting the server, for a pending
 * <key file>.next) finishes the job. The server must not be running meanwhile.
 */
export async function rotateMasterKey(
  o: StorageOptions & {
    newMasterKeyFile?: string;
    batch?: number;
    progress?: (done: number) => void;
    atStart?: boolean;
  },
): Promise<RotationResult> {
  requireDatabase(o.dataDir);
  if (!o.atStart) refuseWhileServed(o.dataDir);
  secureDataDir(o);
  const keyFile = masterKeyPath(o);
  const warn = (m: string, f: Record<string, unknown>) => o.log.warn(m, f);
  const explicit = o.newMasterKeyFile ? path.resolve(o.newMasterKeyFile) : undefined;
  const nextFile = explicit ?? pendingKeyPath(keyFile);
  if (!existsSync(keyFile))
    throw new StorageError(`no master key at ${keyFile}: nothing to rotate from (see --master-key-file)`);
  const old = readMasterKeyFile(keyFile, { warn });
  const generated = !existsSync(nextFile);
  const next = generated ? generateMasterKeyFile(nextFile) : readMasterKeyFile(nextFile, { warn });
  if (generated)
    o.log.warn("generated a new master key", { masterKeyFile: nextFile, keyId: next.id, advice: KEEP_APART });
  if (next.id === old.id) throw new StorageError(`${nextFile} holds the same key as ${keyFile} (key ${old.id})`);
  const keyring = new Keyring(next, [old]);
  const store = SqliteStore.open(o.dataDir);
  let objects: number;
  try {
    refuseUnknownKeys(await store.sealCounts(), keyring, keyFile);
    store.useKeyring(keyring);
    objects = await resealAll(store, keyring, { batch: o.batch, progress: o.progress });
    await store.compact();
  } finally {
    await store.close();
  }
  let retired: string | undefined;
  if (!explicit) {
    // Each step is atomic, and a crash between them leaves <key file>.next: the next run redoes both.
    retired = `${keyFile}.retired-${old.id}`;
    writePrivateFile(retired, readFileSync(keyFile));
    renameSync(nextFile, keyFile);
  }
  o.log.info("master key rotated", {
    objects,
    oldKeyId: old.id,
    newKeyId: next.id,
    masterKeyFile: explicit ?? keyFile,
  });
  return { objects, oldKeyId: old.id, newKeyId: next.id, masterKeyFile: explicit ?? keyFile, generated, retired };
}

/**
 * Writes a consistent copy of the database to `dest` (mode 0600), rows sealed: restoring it needs
 * the master key, which is not in the copy. Safe while the server runs.
 */
export async function backupStore(o: StorageOptions & { dest: string }): Promise<{ keyId: string }> {
  requireDatabase(o.dataDir);
  const store = await openStore({ ...o, databaseType: "sqlite" });
  try {
    if (!(store instanceof SqliteStore)) throw new StorageError("backups are of SQLite databases only");
    await store.backup(path.resolve(o.dest));
  } finally {
    await store.close();
  }
  return { keyId: readMasterKeyFile(masterKeyPath(o)).id };
}
