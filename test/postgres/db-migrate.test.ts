/**
 * `kms db migrate --from sqlite:PATH --to postgres://...` on a real SQLite database written by a real
 * server (keys of several types and states, tags, names, grants, database audit records): the command
 * prints verified counts and checksums, never the password, refuses a non-empty target, and a server
 * on the PostgreSQL copy gives the same answers as the one on SQLite did.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { rmSync } from "node:fs";
import { SQL } from "bun";
import { findAll, hex, postKmip, startTestServer, t, valueOf, type Node, type TestServer } from "../helpers/server.ts";
import { requirePostgres, startPostgres, type PgCluster } from "../helpers/postgres.ts";

const TOKENS = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdefgh" } as const;
type User = keyof typeof TOKENS;
const PASSWORD = "Migr4te-passw0rd-never-shown";
const root = path.resolve(import.meta.dirname, "../..");
const apiKeys = Object.entries(TOKENS).map(([user, token]) => ({ user, token }));

const ok = requirePostgres("test/postgres/db-migrate.test.ts");

let pg: PgCluster;
let url: string;
let sqliteServer: TestServer;
const tag = `mig-${crypto.randomUUID()}`;
const ids: Record<string, string> = {};
/** Requests whose answers must be the same on both servers. */
const probes: { user: User; body?: Node; route?: string }[] = [];
const before: string[] = [];
let ciphertext: { data: string; nonce: string; tag: string };

async function call(server: TestServer, body: Node, user: User = "alice") {
  const r = await postKmip(server.url, body, { authorization: `Bearer ${TOKENS[user]}` });
  return r;
}

async function must(server: TestServer, body: Node, user: User = "alice") {
  const r = await call(server, body, user);
  expect(r.status, r.text).toBe(200);
  return r.json;
}

async function answers(server: TestServer): Promise<string[]> {
  const out: string[] = [];
  for (const p of probes) {
    if (p.body) {
      const r = await call(server, p.body, p.user);
      out.push(`${r.status} ${r.text}`);
    } else {
      const res = await fetch(server.url + p.route!, { headers: { authorization: `Bearer ${TOKENS[p.user]}` } });
      out.push(`${res.status} ${await res.text()}`);
    }
  }
  return out;
}

function kms(...args: string[]) {
  return spawnSync(process.execPath, [path.join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe.skipIf(!ok)("kms db migrate", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    url = (await pg.createDatabase("migrate")).replace("postgres://kms@", `postgres://kms:${PASSWORD}@`);
    sqliteServer = await startTestServer({ databaseType: "sqlite", apiKeys, audit: "database" });
    const s = sqliteServer;
    const name = t.s(
      "Name",
      t.text("NameValue", `mig-key-${crypto.randomUUID()}`),
      t.e("NameType", "UninterpretedTextString"),
    );
    const tagged = t.s(
      "VendorAttributes",
      t.s(
        "VendorAttributes",
        t.text("VendorIdentification", "cosmian"),
        t.text("AttributeName", "tag"),
        t.b("AttributeValue", hex(JSON.stringify([tag]))),
      ),
    );
    const sym = await must(
      s,
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), name, tagged),
      ),
    );
    ids.sym = valueOf(sym, "UniqueIdentifier") as string;
    const pair = await must(
      s,
      t.s(
        "CreateKeyPair",
        t.s(
          "CommonAttributes",
          t.e("CryptographicAlgorithm", "ECDSA"),
          t.s("CryptographicDomainParameters", t.e("RecommendedCurve", "P256")),
          tagged,
        ),
      ),
    );
    ids.sk = valueOf(pair, "PrivateKeyUniqueIdentifier") as string;
    ids.pk = valueOf(pair, "PublicKeyUniqueIdentifier") as string;
    const secret = await must(s, t.s("Create", t.e("ObjectType", "SecretData"), t.s("Attributes", tagged)));
    ids.secret = valueOf(secret, "UniqueIdentifier") as string;
    ids.revoked = valueOf(
      await must(
        s,
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), tagged),
        ),
      ),
      "UniqueIdentifier",
    ) as string;
    await must(
      s,
      t.s(
        "Revoke",
        t.text("UniqueIdentifier", ids.revoked),
        t.s("RevocationReason", t.e("RevocationReasonCode", "KeyCompromise")),
      ),
    );
    ids.destroyed = valueOf(
      await must(
        s,
        t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
      ),
      "UniqueIdentifier",
    ) as string;
    await must(s, t.s("Destroy", t.text("UniqueIdentifier", ids.destroyed)));
    const g = await fetch(s.url + "/access/grant", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKENS.alice}`, "content-type": "application/json" },
      body: JSON.stringify({
        unique_identifier: ids.sym,
        user_id: "bob",
        operation_types: ["encrypt", "decrypt", "get_attributes"],
      }),
    });
    expect(g.status).toBe(200);
    const enc = await must(
      s,
      t.s("Encrypt", t.text("UniqueIdentifier", ids.sym), t.b("Data", hex("migrated plaintext"))),
    );
    ciphertext = {
      data: valueOf(enc, "Data") as string,
      nonce: valueOf(enc, "IvCounterNonce") as string,
      tag: valueOf(enc, "AuthenticatedEncryptionTag") as string,
    };

    for (const id of Object.values(ids)) {
      probes.push({ user: "alice", body: t.s("Get", t.text("UniqueIdentifier", id)) });
      probes.push({ user: "alice", body: t.s("GetAttributes", t.text("UniqueIdentifier", id)) });
      probes.push({ user: "bob", body: t.s("GetAttributes", t.text("UniqueIdentifier", id)) });
    }
    probes.push({ user: "alice", body: t.s("Locate", t.s("Attributes", tagged)) });
    probes.push({ user: "bob", body: t.s("Locate", t.s("Attributes", tagged)) });
    probes.push({ user: "alice", body: t.s("Locate", t.s("Attributes", t.e("ObjectType", "SymmetricKey"))) });
    probes.push({
      user: "alice",
      body: t.s(
        "Decrypt",
        t.text("UniqueIdentifier", ids.sym),
        t.b("Data", ciphertext.data),
        t.b("IvCounterNonce", ciphertext.nonce),
        t.b("AuthenticatedEncryptionTag", ciphertext.tag),
      ),
    });
    probes.push({
      user: "bob",
      body: t.s(
        "Decrypt",
        t.text("UniqueIdentifier", ids.sym),
        t.b("Data", ciphertext.data),
        t.b("IvCounterNonce", ciphertext.nonce),
        t.b("AuthenticatedEncryptionTag", ciphertext.tag),
      ),
    });
    probes.push({ user: "alice", route: `/access/list/${ids.sym}` });
    probes.push({ user: "alice", route: "/access/owned" });
    probes.push({ user: "bob", route: "/access/obtained" });
    before.push(...(await answers(s)));
    await sqliteServer.stop(); // the database must not change under the copy
  }, 120_000);

  afterAll(async () => {
    if (sqliteServer) rmSync(sqliteServer.dataDir, { recursive: true, force: true });
    pg?.dispose();
  });

  test("copies every table, prints verified counts and checksums, never the password", () => {
    const r = kms("db", "migrate", "--from", `sqlite:${path.join(sqliteServer.dataDir, "kms.db")}`, "--to", url);
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(0);
    expect(output).not.toContain(PASSWORD);
    expect(output).toContain("postgres://kms:***@127.0.0.1");
    for (const table of ["objects", "tags", "grants", "audit"])
      expect(output).toMatch(new RegExp(`^${table} +\\d+ +\\d+  [0-9a-f]{64}$`, "m"));
    const objects = /^objects +(\d+) +(\d+)/m.exec(output)!;
    expect([objects[1], objects[2]]).toEqual(["6", "6"]); // key, key pair, secret, revoked, destroyed
    expect(output).toContain("verified: every table has the same rows on both sides");
  });

  test("a second run refuses the now non-empty target and changes nothing", async () => {
    const count = async () => {
      const sql = new SQL(url);
      try {
        return [
          ...(await sql`SELECT (SELECT COUNT(*)::int FROM objects) AS o, (SELECT COUNT(*)::int FROM audit) AS a`),
        ];
      } finally {
        await sql.close();
      }
    };
    const was = await count();
    const r = kms("db", "migrate", "--from", `sqlite:${path.join(sqliteServer.dataDir, "kms.db")}`, "--to", url);
    expect({ status: r.status, stderr: r.stderr.replace(/\d+ rows/, "N rows") }).toEqual({
      status: 1,
      stderr:
        "error: the target database is not empty (table objects has N rows): refusing to copy into it; use an empty database\n",
    });
    expect(await count()).toEqual(was);
  });

  test("usage errors: exit 2 with a clear message, the password not echoed", () => {
    const missing = kms("db", "migrate", "--from", "sqlite:/nonexistent/kms.db", "--to", url);
    expect({ status: missing.status, first: missing.stderr.split("\n")[0] }).toEqual({
      status: 2,
      first: "error: no SQLite database at /nonexistent/kms.db",
    });
    const bad = kms("db", "migrate", "--from", "sqlite:x", "--to", `mysql://kms:${PASSWORD}@h/db`);
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain(PASSWORD);
    expect(kms("db", "migrate").status).toBe(2);
  });

  test("a server on the PostgreSQL copy answers exactly as the SQLite one did", async () => {
    // the copied objects are sealed under the SQLite server's master key: the same key opens them
    const masterKeyFile = path.join(sqliteServer.dataDir, "master.key");
    const server = await startTestServer({
      databaseType: "postgresql",
      databaseUrl: url,
      apiKeys,
      audit: "database",
      masterKeyFile,
    });
    try {
      expect(await answers(server)).toEqual(before);
      const dec = await must(
        server,
        t.s(
          "Decrypt",
          t.text("UniqueIdentifier", ids.sym),
          t.b("Data", ciphertext.data),
          t.b("IvCounterNonce", ciphertext.nonce),
          t.b("AuthenticatedEncryptionTag", ciphertext.tag),
        ),
        "bob",
      );
      expect(Buffer.from(valueOf(dec, "Data") as string, "hex").toString()).toBe("migrated plaintext");
      // new rows continue after the copied ones: Locate keeps creation order
      const fresh = valueOf(
        await must(
          server,
          t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
        ),
        "UniqueIdentifier",
      );
      const loc = await must(server, t.s("Locate", t.s("Attributes", t.e("ObjectType", "SymmetricKey"))));
      expect(
        findAll(loc, "UniqueIdentifier")
          .map((n) => n.value)
          .at(-1),
      ).toBe(fresh);
    } finally {
      await server.stop();
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});
