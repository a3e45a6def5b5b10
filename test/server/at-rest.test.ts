/**
 * Keys at rest, on real files: the data folder is 0700 and its files 0600 whatever the umask (loose
 * modes are tightened at start, or refused when not ours); every stored object is sealed under the
 * master key, so keys of every kind are absent from kms.db, its WAL and a backup; the backup restores
 * with the master key only; a wrong or missing key is refused; plain rows of an older database are
 * sealed on first start; a Destroy inside an Undo batch is scrubbed from the WAL once it commits.
 */
import { afterEach, expect, test } from "vitest";
import { Database } from "bun:sqlite";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "../../src/server/main.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import { createLogger, silentLogger } from "../../src/server/log.ts";
import { SqliteStore } from "../../src/store/sqlite.ts";
import {
  find,
  findAll,
  fromHex,
  postKmip,
  startTestServer,
  t,
  valueOf,
  type Node,
  type TestServer,
} from "../helpers/server.ts";

const root = path.resolve(import.meta.dirname, "../..");
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(tmpdir(), prefix));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
};
async function server(overrides: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(overrides);
  cleanup.push(() => s.dispose());
  return s;
}
const mode = (p: string) => statSync(p).mode & 0o777;
const dbFiles = (dir: string) =>
  ["kms.db", "kms.db-wal", "kms.db-shm"].map((f) => path.join(dir, f)).filter(existsSync);

async function ok(url: string, body: unknown): Promise<Node> {
  const r = await postKmip(url, body);
  expect(r.status, r.text).toBe(200);
  return r.json!;
}
const uidOf = (n: Node, tag = "UniqueIdentifier") => valueOf(n, tag) as string;
const getMaterial = async (url: string, uid: string, format?: string) =>
  fromHex(
    valueOf(
      find(
        await ok(url, t.s("Get", ...(format ? [t.e("KeyFormatType", format)] : []), t.text("UniqueIdentifier", uid))),
        "KeyValue",
      ),
      "KeyMaterial",
    ),
  );

/** Fails when any needle is in any file: raw bytes, hex (either case) or base64. */
function expectAbsent(files: string[], needles: Record<string, Uint8Array>): void {
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [what, n] of Object.entries(needles)) {
      const b = Buffer.from(n);
      for (const form of [
        b,
        Buffer.from(b.toString("hex")),
        Buffer.from(b.toString("hex").toUpperCase()),
        Buffer.from(b.toString("base64")),
      ]) {
        expect(bytes.includes(form), `${what} found in ${path.basename(file)}`).toBe(false);
      }
    }
  }
}

const POLICY =
  '{"version":"V2","last_attribute_value":2,"dimensions":{"Dept":{"Unordered":{"FIN":{"id":1,"encryption_hint":"Classic","write_status":"EncryptDecrypt"},' +
  '"HR":{"id":2,"encryption_hint":"Classic","write_status":"EncryptDecrypt"}}}}}';

test("keys of every kind: not in kms.db, its WAL or a backup (0600); the backup restores with the master key, and only with it", async () => {
  const s = await server();
  const aes = uidOf(
    await ok(
      s.url,
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    ),
  );
  const pair = await ok(
    s.url,
    t.s(
      "CreateKeyPair",
      t.s(
        "CommonAttributes",
        t.e("CryptographicAlgorithm", "ECDH"),
        t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256")),
      ),
    ),
  );
  const [ecSk, ecPk] = [uidOf(pair, "PrivateKeyUniqueIdentifier"), uidOf(pair, "PublicKeyUniqueIdentifier")];
  const cc = await ok(
    s.url,
    t.s(
      "CreateKeyPair",
      t.s(
        "CommonAttributes",
        t.e("ObjectType", "PrivateKey"),
        t.s(
          "VendorAttributes",
          t.s(
            "VendorAttributes",
            t.text("VendorIdentification", "cosmian"),
            t.text("AttributeName", "cover_crypt_policy"),
            t.b("AttributeValue", Buffer.from(POLICY).toString("hex")),
          ),
        ),
        t.e("CryptographicAlgorithm", "CoverCrypt"),
        t.e("KeyFormatType", "CoverCryptSecretKey"),
      ),
    ),
  );
  const [msk, mpk] = [uidOf(cc, "PrivateKeyUniqueIdentifier"), uidOf(cc, "PublicKeyUniqueIdentifier")];
  const secret = uidOf(await ok(s.url, t.s("Create", t.e("ObjectType", "SecretData"), t.s("Attributes"))));

  const keys: Record<string, Uint8Array> = {
    aes: await getMaterial(s.url, aes, "Raw"),
    ecPrivate: await getMaterial(s.url, ecSk, "Raw"),
    ecPrivatePkcs8: await getMaterial(s.url, ecSk, "PKCS8"),
    ecPublic: await getMaterial(s.url, ecPk, "Raw"),
    coverCryptMasterSecret: await getMaterial(s.url, msk),
    coverCryptMasterPublic: await getMaterial(s.url, mpk),
    secretData: await getMaterial(s.url, secret),
  };
  for (const [what, k] of Object.entries(keys)) expect(k.length, what).toBeGreaterThanOrEqual(16);
  // The EC scalar as a decimal number too (how a TransparentEC key's D would be stored in plain).
  const scalar = BigInt("0x" + Buffer.from(keys.ecPrivate).toString("hex")).toString();

  const dest = path.join(tempDir("kms-backup-"), "kms-backup.db");
  const cli = spawnSync(bun, [path.join(root, "src/cli/main.ts"), "backup", "--data-dir", s.dataDir, dest], {
    encoding: "utf8",
  });
  expect(cli.status, cli.stderr).toBe(0);
  expect(cli.stdout).toMatch(/backup written to .*\(mode 0600\), sealed under master key [0-9a-f]{16}/);
  expect(mode(dest)).toBe(0o600);

  const files = [...dbFiles(s.dataDir), dest];
  expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["kms.db", "kms.db-wal", "kms-backup.db"]));
  expectAbsent(files, keys);
  for (const file of files)
    expect(readFileSync(file).includes(Buffer.from(scalar)), `EC scalar in ${file}`).toBe(false);
  // ... while the searches do find what is stored in plain (ids), so they look at the right bytes.
  expect(readFileSync(dest).includes(Buffer.from(aes))).toBe(true);

  // Restore: the copy as the kms.db of a new folder, started with the original master key.
  const masterKeyFile = path.join(s.dataDir, "master.key");
  const restored = tempDir("kms-restored-");
  copyFileSync(dest, path.join(restored, "kms.db"));
  const again = await startServer(
    { ...structuredClone(DEFAULTS), port: 0, dataDir: restored, masterKeyFile },
    silentLogger,
  );
  for (const [what, uid, format] of [
    ["aes", aes, "Raw"],
    ["ecPrivate", ecSk, "Raw"],
    ["coverCryptMasterSecret", msk, undefined],
    ["secretData", secret, undefined],
  ] as const) {
    expect(Buffer.from(await getMaterial(again.url, uid, format)).equals(Buffer.from(keys[what])), what).toBe(true);
  }
  await again.stop();

  // Without its master key, or with another one, the copy is refused (and nothing is generated).
  const config = { ...structuredClone(DEFAULTS), port: 0, dataDir: restored };
  await expect(startServer(config, silentLogger)).rejects.toThrow(
    /master key file .*master\.key does not exist, and the database holds \d+ objects sealed under a master key/,
  );
  expect(existsSync(path.join(restored, "master.key"))).toBe(false);
  const wrong = path.join(tempDir("kms-wrong-key-"), "other.key");
  writeFileSync(wrong, "11".repeat(32), { mode: 0o600 });
  await expect(startServer({ ...config, masterKeyFile: wrong }, silentLogger)).rejects.toThrow(
    /sealed under another master key .* than .*other\.key/,
  );
});

test("umask 0: the data folder is 0700, the database files and the master key 0600", async () => {
  const old = process.umask(0);
  try {
    const dir = path.join(tempDir("kms-umask-"), "data");
    const s = await server({ dataDir: dir });
    await ok(
      s.url,
      t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
    );
    expect(mode(dir)).toBe(0o700);
    const files = [...dbFiles(dir), path.join(dir, "master.key")];
    expect(files.map((f) => path.basename(f)).sort()).toEqual(["kms.db", "kms.db-shm", "kms.db-wal", "master.key"]);
    for (const f of files) expect(mode(f), f).toBe(0o600);
  } finally {
    process.umask(old);
  }
});

test("loose modes found at start are tightened with a warning; a loose file owned by someone else is refused", async () => {
  const dir = tempDir("kms-loose-");
  const first = await startServer({ ...structuredClone(DEFAULTS), port: 0, dataDir: dir }, silentLogger);
  await first.stop();
  chmodSync(dir, 0o755);
  chmodSync(path.join(dir, "kms.db"), 0o644);
  chmodSync(path.join(dir, "master.key"), 0o666);
  const lines: string[] = [];
  const s = await startServer(
    { ...structuredClone(DEFAULTS), port: 0, dataDir: dir },
    createLogger("info", (l) => lines.push(l)),
  );
  await s.stop();
  expect(mode(dir)).toBe(0o700);
  expect(mode(path.join(dir, "kms.db"))).toBe(0o600);
  expect(mode(path.join(dir, "master.key"))).toBe(0o600);
  const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "warn" && /tightened/.test(l.msg));
  expect(warnings.map((w) => [path.basename(w.path), w.was, w.now]).sort()).toEqual([
    [path.basename(dir), "0755", "0700"],
    ["kms.db", "0644", "0600"],
    ["master.key", "0666", "0600"],
  ]);

  // Not ours: refused with a clear message, mode left alone. (Changing a file's owner takes root;
  // otherwise the same check runs with another uid taken as "us".)
  chmodSync(path.join(dir, "kms.db"), 0o644);
  if (process.getuid!() === 0) {
    chownSync(path.join(dir, "kms.db"), 65534, 65534);
    await expect(startServer({ ...structuredClone(DEFAULTS), port: 0, dataDir: dir }, silentLogger)).rejects.toThrow(
      /kms\.db is readable by other users \(mode 0644\) and owned by uid 65534, not by this process \(uid 0\): make it 0600/,
    );
  } else {
    const { securePath } = await import("../../src/store/permissions.ts");
    expect(() => securePath(path.join(dir, "kms.db"), { uid: process.getuid!() + 1 })).toThrow(
      /readable by other users \(mode 0644\) and owned by uid \d+, not by this process/,
    );
  }
  expect(mode(path.join(dir, "kms.db"))).toBe(0o644);
});

test("a database with plain rows (older version) is sealed on first start, and its plain copies are gone", async () => {
  const dir = tempDir("kms-plain-");
  const KEY = "5EA1ED00".repeat(8);
  const legacy = new SqliteStore(path.join(dir, "kms.db")); // no master key: rows written plain, as before sealing
  for (const id of ["legacy-1", "legacy-2"]) {
    await legacy.insert({
      id,
      objectType: "SymmetricKey",
      state: "Active",
      owner: "admin",
      tags: [],
      object: {
        KeyBlock: {
          KeyFormatType: "Raw",
          KeyValue: { KeyMaterial: fromHex(KEY) },
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
  await legacy.close();
  expect(readFileSync(path.join(dir, "kms.db")).includes(Buffer.from(KEY))).toBe(true); // stored hex is upper case

  const lines: string[] = [];
  const s = await startServer(
    { ...structuredClone(DEFAULTS), port: 0, dataDir: dir },
    createLogger("info", (l) => lines.push(l)),
  );
  cleanup.push(() => s.stop());
  expect(lines.some((l) => /generated a new master key/.test(l) && /keep it apart from the database/.test(l))).toBe(
    true,
  );
  expect(lines.some((l) => /sealed the objects stored in plain/.test(l) && /"objects":2/.test(l))).toBe(true);
  expectAbsent(dbFiles(dir), { key: fromHex(KEY) });
  const db = new Database(path.join(dir, "kms.db"), { readonly: true });
  const rows = db.query<{ sealed_by: string | null }, []>("SELECT sealed_by FROM objects").all();
  db.close();
  expect(rows.map((r) => r.sealed_by)).toEqual([
    expect.stringMatching(/^[0-9a-f]{16}$/),
    expect.stringMatching(/^[0-9a-f]{16}$/),
  ]);
  for (const id of ["legacy-1", "legacy-2"])
    expect(
      Buffer.from(await getMaterial(s.url, id, "Raw"))
        .toString("hex")
        .toUpperCase(),
    ).toBe(KEY);
});

test("a Destroy in an Undo batch is scrubbed once the batch commits: its sealed row is in neither kms.db nor its WAL", async () => {
  const s = await server();
  const KEY = "D15A57E2".repeat(8);
  await ok(
    s.url,
    t.s(
      "Import",
      t.text("UniqueIdentifier", "doomed"),
      t.e("ObjectType", "SymmetricKey"),
      t.s(
        "Object",
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", "Raw"),
          t.s("KeyValue", t.b("KeyMaterial", KEY)),
          t.e("CryptographicAlgorithm", "AES"),
        ),
      ),
    ),
  );
  const db = new Database(path.join(s.dataDir, "kms.db"), { readonly: true });
  cleanup.push(() => db.close());
  const sealedRow = () =>
    db.query<{ object: string }, []>("SELECT object FROM objects WHERE id = 'doomed'").get()!.object;
  const before = sealedRow();
  // Sanity: the WAL holds that row now (the check below would see it).
  expect(readFileSync(path.join(s.dataDir, "kms.db-wal")).includes(Buffer.from(before))).toBe(true);

  const item = (op: string, ...payload: Node[]) => ({
    tag: "BatchItem",
    value: [t.e("Operation", op), { tag: "RequestPayload", value: payload }],
  });
  const header = {
    tag: "RequestHeader",
    value: [
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.e("BatchErrorContinuationOption", "Undo"),
      t.int("BatchCount", 2),
    ],
  };
  const r = await ok(s.url, {
    tag: "RequestMessage",
    value: [
      header,
      item(
        "Revoke",
        t.text("UniqueIdentifier", "doomed"),
        t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified")),
      ),
      item("Destroy", t.text("UniqueIdentifier", "doomed")),
    ],
  });
  expect(findAll(r, "BatchItem").map((i) => valueOf(i, "ResultStatus"))).toEqual(["Success", "Success"]);
  expect(sealedRow()).not.toBe(before);

  const files = dbFiles(s.dataDir);
  expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["kms.db", "kms.db-wal"]));
  expectAbsent(files, { key: fromHex(KEY), sealedRow: Buffer.from(before, "base64") });
  for (const f of files) expect(readFileSync(f).includes(Buffer.from(before)), `sealed row text in ${f}`).toBe(false);
});
