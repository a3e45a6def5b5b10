/**
 * Secrets never leak: with logging at its most verbose, no key material, plaintext or token appears
 * in the logs, the audit trail or error messages; a destroyed key leaves no trace of its bytes in
 * the database files.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, type RunningServer } from "../../src/server/main.ts";
import { DEFAULTS } from "../../src/server/config.ts";
import { createLogger } from "../../src/server/log.ts";
import { hex, postKmip, t, valueOf } from "../helpers/server.ts";

const TOKEN = "secrets-test-token-5f1e2d3c4b5a69788796";
const KEY = "C0FFEE00".repeat(8); // an imported key, easy to look for
const PLAINTEXT = hex("the launch codes are 0000");
const lines: string[] = [];
let server: RunningServer;
let dataDir: string;
const answers: string[] = [];
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "kms-secrets-"));
  server = await startServer(
    { ...structuredClone(DEFAULTS), port: 0, dataDir, logLevel: "debug", apiKeys: [{ user: "alice", token: TOKEN }] },
    createLogger("debug", (l) => lines.push(l)),
  );
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async (body: unknown, headers = auth) => {
  const r = await postKmip(server.url, body, headers);
  answers.push(r.text);
  return r;
};

test("every operation, verbose logs: no key, plaintext or token in logs, audit or errors; destroyed bytes are gone", async () => {
  const imported = await call(
    t.s(
      "Import",
      t.text("UniqueIdentifier", "secret-key"),
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
  expect(imported.status, imported.text).toBe(200);
  const created = await call(
    t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
  );
  const other = valueOf(created.json, "UniqueIdentifier") as string;
  const otherKey = valueOf(
    (await postKmip(server.url, t.s("Get", t.e("KeyFormatType", "Raw"), t.text("UniqueIdentifier", other)), auth)).json,
    "KeyMaterial",
  ) as string;
  const enc = await call(
    t.s(
      "Encrypt",
      t.text("UniqueIdentifier", "secret-key"),
      t.b("Data", PLAINTEXT),
      t.b("AuthenticatedEncryptionAdditionalData", PLAINTEXT),
    ),
  );
  await call(
    t.s(
      "Decrypt",
      t.text("UniqueIdentifier", "secret-key"),
      t.b("Data", valueOf(enc.json, "Data") as string),
      t.b("IvCounterNonce", valueOf(enc.json, "IvCounterNonce") as string),
      t.b("AuthenticatedEncryptionTag", "00".repeat(16)),
    ),
  );
  await call(t.s("Encrypt", t.text("UniqueIdentifier", "missing"), t.b("Data", PLAINTEXT)));
  await call(
    t.s("Encrypt", t.text("UniqueIdentifier", "secret-key"), t.b("Data", PLAINTEXT), t.b("IvCounterNonce", "00")),
    { authorization: `Bearer ${TOKEN}x` },
  );
  await call(
    t.s(
      "Get",
      t.text("UniqueIdentifier", "secret-key"),
      t.s(
        "KeyWrappingSpecification",
        t.e("WrappingMethod", "Encrypt"),
        t.s("EncryptionKeyInformation", t.text("UniqueIdentifier", other)),
      ),
    ),
  );
  await call(
    t.s(
      "Import",
      t.text("UniqueIdentifier", "bad"),
      t.e("ObjectType", "SymmetricKey"),
      t.s(
        "Object",
        t.s(
          "KeyBlock",
          t.e("KeyFormatType", "Raw"),
          t.s("KeyValue", t.b("KeyMaterial", KEY.slice(0, 30))),
          t.e("CryptographicAlgorithm", "AES"),
        ),
      ),
    ),
  );
  await call(t.s("GetAttributes", t.text("UniqueIdentifier", "secret-key")));
  await call(t.s("ReKey", t.text("UniqueIdentifier", other)));
  await call(t.s("Revoke", t.text("UniqueIdentifier", "secret-key"), t.text("RevocationReason", "done")));
  const sealedBefore = sealedColumn("secret-key");
  const destroyed = await call(t.s("Destroy", t.text("UniqueIdentifier", "secret-key")));
  expect(destroyed.status, destroyed.text).toBe(200);

  const audit = readFileSync(path.join(dataDir, "audit.log"), "utf8");
  const haystacks = { logs: lines.join("\n"), audit, errors: answers.filter((a) => !a.startsWith("{")).join("\n") };
  expect(lines.length).toBeGreaterThan(10);
  for (const [where, text] of Object.entries(haystacks)) {
    for (const [what, needle] of Object.entries({ key: KEY, otherKey, plaintext: PLAINTEXT, token: TOKEN })) {
      expect(text.toUpperCase().includes(needle.toUpperCase()), `${what} found in ${where}`).toBe(false);
    }
  }

  // The database files: no trace of the destroyed key's bytes, in hex or raw.
  const raw = Buffer.from(KEY, "hex");
  for (const file of readdirSync(dataDir).filter((f) => f.startsWith("kms.db"))) {
    const bytes = readFileSync(path.join(dataDir, file));
    expect(bytes.includes(raw), `raw key bytes in ${file}`).toBe(false);
    expect(bytes.includes(Buffer.from(KEY)), `hex key in ${file}`).toBe(false);
    expect(bytes.includes(Buffer.from(KEY.toLowerCase())), `hex key in ${file}`).toBe(false);
  }
  // Stored objects are sealed: not even the live key is there in clear, but its sealed row is (the
  // search would find it), while the destroyed key's sealed row is gone too.
  const all = Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith("kms.db"))
      .map((f) => readFileSync(path.join(dataDir, f))),
  );
  expect(all.includes(Buffer.from(otherKey.toUpperCase()))).toBe(false);
  expect(all.includes(Buffer.from(otherKey, "hex"))).toBe(false);
  expect(all.includes(Buffer.from(sealedColumn(other)))).toBe(true);
  expect(all.includes(Buffer.from(sealedBefore))).toBe(false);
});

/** The stored (sealed) object column of `id`, read from the database file. */
function sealedColumn(id: string): string {
  const db = new Database(path.join(dataDir, "kms.db"), { readonly: true });
  try {
    return db.query<{ object: string }, [string]>("SELECT object FROM objects WHERE id = ?").get(id)!.object;
  } finally {
    db.close();
  }
}
