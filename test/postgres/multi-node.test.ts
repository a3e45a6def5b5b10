/**
 * Three server processes on one PostgreSQL database, as behind a load balancer: any node answers for
 * any object once its creation was acknowledged; a revocation, grant change or ReKey made through one
 * node is what the others obey on their very next request; conflicting writes on two nodes end as one
 * serial order would; a killed node loses nothing acknowledged; PostgreSQL restarting under load gives
 * clear 503 answers, then recovery, with nothing acknowledged lost.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SQL } from "bun";
import {
  findAll,
  hex,
  postKmip,
  t,
  valueOf,
  writeTestMasterKey,
  type KmipResult,
  type Node,
} from "../helpers/server.ts";
import { requirePostgres, startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { startProcess, type ServerProcess } from "../reliability/crash-harness.ts";
import { POSTGRES_MIGRATIONS } from "../../src/store/migrations.ts";
import { verifyTrail } from "../../src/server/audit-chain.ts";
import { readFileSync } from "node:fs";

const TOKENS = { alice: "alice-token-0123456789abcdef", bob: "bob-token-0123456789abcdefgh" } as const;
type User = keyof typeof TOKENS;
/** The cluster trusts local connections; the password is there to check it never shows in a log. */
const PASSWORD = "Sup3r-s3cret-DB-passw0rd";

const ok = requirePostgres("test/postgres/multi-node.test.ts");

let pg: PgCluster;
let url: string;
let dataDir: string;
const nodes: ServerProcess[] = [];
const dead: ServerProcess[] = [];

function nodeArgs(): string[] {
  return [
    "--database-type",
    "postgresql",
    "--database-url",
    url,
    "--master-key-file",
    writeTestMasterKey(path.join(dataDir, "master.key")),
    // one audit trail for all nodes, in the database, checkpoints under one shared key
    "--audit",
    "database",
    "--audit-key-file",
    writeTestMasterKey(path.join(dataDir, "audit.key")),
    ...Object.entries(TOKENS).flatMap(([u, k]) => ["--api-key", `${u}:${k}`]),
  ];
}

async function startNode(i: number): Promise<ServerProcess> {
  return startProcess(path.join(dataDir, `node${i}`), nodeArgs());
}

const call = (node: ServerProcess, body: Node, user: User = "alice"): Promise<KmipResult> =>
  postKmip(node.url, body, { authorization: `Bearer ${TOKENS[user]}` });

async function createKey(node: ServerProcess, ...attrs: Node[]): Promise<string> {
  const r = await call(
    node,
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), ...attrs),
    ),
  );
  expect(r.status, r.text).toBe(200);
  return valueOf(r.json, "UniqueIdentifier") as string;
}

const encrypt = (node: ServerProcess, uid: string, user: User = "alice") =>
  call(node, t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("multi-node"))), user);

async function attributes(node: ServerProcess, uid: string): Promise<Node | undefined> {
  const r = await call(node, t.s("GetAttributes", t.text("UniqueIdentifier", uid)));
  expect(r.status, r.text).toBe(200);
  return r.json;
}

async function grant(node: ServerProcess, uid: string, user: User, operations: string[], route = "/access/grant") {
  const res = await fetch(node.url + route, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKENS.alice}`, "content-type": "application/json" },
    body: JSON.stringify({ unique_identifier: uid, user_id: user, operation_types: operations }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe.skipIf(!ok)("three nodes on one PostgreSQL", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    url = (await pg.createDatabase("multi")).replace("postgres://kms@", `postgres://kms:${PASSWORD}@`);
    dataDir = mkdtempSync(path.join(tmpdir(), "kms-multi-"));
    // All three at once on an empty database: the schema migrations must not race.
    nodes.push(...(await Promise.all([1, 2, 3].map(startNode))));
  }, 120_000);

  afterAll(async () => {
    for (const n of [...nodes, ...dead]) {
      n.child.kill("SIGKILL");
      await n.exited;
    }
    pg?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("three nodes started at once on an empty database: one schema, each node healthy, no password in any log", async () => {
    const sql = new SQL(pg.url(new URL(url).pathname.slice(1)));
    try {
      expect([...(await sql`SELECT version FROM schema_version`)]).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
      const tables = (await sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`).map(
        (r: { tablename: string }) => r.tablename,
      );
      expect(tables).toEqual(["audit", "grants", "object_links", "object_names", "objects", "schema_version", "tags"]);
    } finally {
      await sql.close();
    }
    for (const n of nodes) {
      const h = await fetch(n.url + "/health");
      expect({ status: h.status, body: await h.json() }).toEqual({
        status: 200,
        body: { status: "UP", dependencies: { database: { name: "postgresql", status: "UP" } } },
      });
      expect(n.log()).toContain("postgres://kms:***@127.0.0.1");
      expect(n.log()).not.toContain(PASSWORD);
    }
  });

  test("a node without the shared master key file refuses to start, saying why", async () => {
    const args = nodeArgs();
    args[args.indexOf("--master-key-file") + 1] = path.join(dataDir, "missing.key");
    const failed = await startProcess(path.join(dataDir, "nokey"), args).then(
      (n) => (dead.push(n), "started"),
      (e: Error) => e.message,
    );
    expect(failed).toMatch(
      /server exited 1: .*the master key file \S+missing\.key does not exist: with --database-type postgresql every node must seal with the same master key/,
    );
    expect(failed).not.toContain(PASSWORD);
  });

  test("created on node 1, used on nodes 2 and 3; revoked on node 2, refused by node 3 at once", async () => {
    const [n1, n2, n3] = nodes;
    const uid = await createKey(n1);
    for (const n of [n2, n3]) expect((await encrypt(n, uid)).status).toBe(200);
    const sql = new SQL(pg.url(new URL(url).pathname.slice(1)));
    try {
      // sealed under the one master key all nodes share
      const [row] = await sql`SELECT object, sealed_by FROM objects WHERE id = ${uid}`;
      expect(row.sealed_by).toMatch(/\S/);
      expect(row.object).not.toContain("KeyMaterial");
    } finally {
      await sql.close();
    }
    const revoke = await call(
      n2,
      t.s(
        "Revoke",
        t.text("UniqueIdentifier", uid),
        t.s("RevocationReason", t.e("RevocationReasonCode", "KeyCompromise")),
      ),
    );
    expect(revoke.status, revoke.text).toBe(200);
    for (const n of [n3, n1]) {
      // as for any key that may not encrypt: "not found" among the usable keys
      const r = await encrypt(n, uid);
      expect({ status: r.status, reason: r.text.split(":")[0], names: r.text.includes(uid) }).toEqual({
        status: 422,
        reason: "Item_Not_Found",
        names: true,
      });
    }
    expect(valueOf(await attributes(n3, uid), "State")).toBe("Compromised");
  });

  test("destroyed on node 3: node 1 answers that the key material is gone", async () => {
    const [n1, , n3] = nodes;
    const uid = await createKey(n1);
    expect((await encrypt(n1, uid)).status).toBe(200);
    const d = await call(n3, t.s("Destroy", t.text("UniqueIdentifier", uid)));
    expect(d.status, d.text).toBe(200);
    const r = await encrypt(n1, uid);
    expect(r.status).toBe(422);
    expect(valueOf(await attributes(n1, uid), "State")).toBe("Destroyed");
  });

  test("a grant made on node 3 is honoured by node 1; its revocation on node 2 too", async () => {
    const [n1, n2, n3] = nodes;
    const uid = await createKey(n1);
    const before = await encrypt(n1, uid, "bob");
    expect({ status: before.status, text: before.text }).toEqual({
      status: 422,
      text: `Item_Not_Found: Item not found: ${uid}`,
    });
    await grant(n3, uid, "bob", ["encrypt"]);
    expect((await encrypt(n1, uid, "bob")).status).toBe(200);
    await grant(n2, uid, "bob", ["encrypt"], "/access/revoke");
    const after = await encrypt(n1, uid, "bob");
    expect({ status: after.status, text: after.text }).toEqual({
      status: 422,
      text: `Item_Not_Found: Item not found: ${uid}`,
    });
    // alice's key is unchanged by all this: still hers, still usable
    expect((await encrypt(n3, uid)).status).toBe(200);
  });

  test("a batch with Undo is one transaction: a failure rolls back its Create, which no node then knows", async () => {
    const [n1, n2] = nodes;
    const id = `undo-${crypto.randomUUID()}`;
    const item = (op: string, ...payload: Node[]) =>
      t.s("BatchItem", t.e("Operation", op), t.s("RequestPayload", ...payload));
    const message = t.s(
      "RequestMessage",
      t.s(
        "RequestHeader",
        t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
        t.e("BatchErrorContinuationOption", "Undo"),
        t.int("BatchCount", 2),
      ),
      item(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.text("UniqueIdentifier", id)),
      ),
      item("Get", t.text("UniqueIdentifier", `missing-${id}`)),
    );
    const r = await call(n1, message);
    expect(r.status, r.text).toBe(200);
    expect(findAll(r.json, "ResultStatus").map((n) => n.value)).toEqual(["OperationUndone", "OperationFailed"]);
    for (const n of [n1, n2]) expect((await call(n, t.s("Get", t.text("UniqueIdentifier", id)))).status).toBe(422);
  });

  test("concurrent ReKey of one key on nodes 1 and 2: the outcome of one serial order", async () => {
    const [n1, n2] = nodes;
    for (let round = 0; round < 4; round++) {
      const name = `rekey-race-${crypto.randomUUID()}`;
      const uid = await createKey(
        n1,
        t.s("Name", t.text("NameValue", name), t.e("NameType", "UninterpretedTextString")),
      );
      const [a, b] = await Promise.all([n1, n2].map((n) => call(n, t.s("ReKey", t.text("UniqueIdentifier", uid)))));
      expect([a.status, b.status], a.text + b.text).toEqual([200, 200]);
      const fresh = [a, b].map((r) => valueOf(r.json, "UniqueIdentifier") as string);
      // Serially: the first ReKey moves the name to its new key, the second finds none to move and
      // becomes the old key's replacement. Both reading the old key at once would give both the name.
      const named: string[] = [];
      for (const id of fresh)
        if (findAll(await attributes(n2, id), "NameValue").some((n) => n.value === name)) named.push(id);
      expect(named).toHaveLength(1);
      const old = await attributes(n1, uid);
      const replacement = findAll(old, "Link")
        .map((l) => [valueOf(l, "LinkType"), valueOf(l, "LinkedObjectIdentifier")])
        .find(([type]) => type === "ReplacementObjectLink");
      expect(replacement?.[1]).toBe(fresh.find((id) => id !== named[0]));
      expect(findAll(old, "NameValue")).toEqual([]);
    }
  });

  test("a node SIGKILLed under load loses no acknowledged object", async () => {
    const victim = nodes[2];
    const acknowledged: string[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        try {
          const r = await call(
            victim,
            t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
          );
          if (r.status === 200) acknowledged.push(valueOf(r.json, "UniqueIdentifier") as string);
        } catch {
          return; // the connection died with the node
        }
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    while (acknowledged.length < 20) await Bun.sleep(20);
    victim.child.kill("SIGKILL");
    await victim.exited;
    running = false;
    await load;
    dead.push(...nodes.splice(2, 1));
    for (const uid of acknowledged) expect((await encrypt(nodes[uid.charCodeAt(0) % 2], uid)).status, uid).toBe(200);
    nodes.push(await startNode(4)); // a replacement node joins
    expect((await encrypt(nodes[2], acknowledged[0])).status).toBe(200);
  });

  test("PostgreSQL restarting under load: 503 database unavailable while down, then recovery, nothing acknowledged lost", async () => {
    const acknowledged: string[] = [];
    const failures = new Map<string, number>();
    let running = true;
    const worker = async (n: ServerProcess) => {
      while (running) {
        const r = await call(
          n,
          t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
        );
        if (r.status === 200) acknowledged.push(valueOf(r.json, "UniqueIdentifier") as string);
        else failures.set(`${r.status} ${r.text}`, (failures.get(`${r.status} ${r.text}`) ?? 0) + 1);
        await Bun.sleep(5);
      }
    };
    const load = Promise.all(nodes.flatMap((n) => [worker(n), worker(n)]));
    while (acknowledged.length < 10) await Bun.sleep(20);
    pg.stopServer();
    const countBefore = acknowledged.length;
    await Bun.sleep(500);
    const health = await fetch(nodes[0].url + "/health");
    expect({ status: health.status, body: await health.json() }).toEqual({
      status: 503,
      body: { status: "DOWN", dependencies: { database: { name: "postgresql", status: "DOWN" } } },
    });
    const down = await encrypt(nodes[1], acknowledged[0]);
    expect({ status: down.status, text: down.text }).toEqual({
      status: 503,
      text: "General_Failure: database unavailable, retry later",
    });
    pg.startServer();
    const deadline = Date.now() + 30_000;
    while (acknowledged.length < countBefore + 20 && Date.now() < deadline) await Bun.sleep(50);
    running = false;
    await load;
    // Only clear 503s while down: never a 500, never a crash.
    for (const [failure] of failures) expect(failure).toMatch(/^503 General_Failure: database (unavailable|busy)/);
    expect(failures.size).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThanOrEqual(countBefore + 20);
    for (const n of nodes) expect(n.child.exitCode).toBeNull();
    // the operator sees why (the client only that the database is unavailable), and no password
    expect(nodes[1].log()).toMatch(
      /"level":"warn","msg":"database unavailable","requestId":"[0-9a-f]+","error":"[^"]+"/,
    );
    for (const n of nodes) expect(n.log()).not.toContain(PASSWORD);
    for (const n of nodes) expect((await fetch(n.url + "/health")).status).toBe(200);
    for (const uid of acknowledged) expect((await encrypt(nodes[1], uid)).status, uid).toBe(200);
  });

  test("the audit records of all nodes form one hash chain that verifies, checkpoints included", async () => {
    const sql = new SQL(pg.url(new URL(url).pathname.slice(1)));
    let rows: { seq: string; line: string | null }[];
    try {
      rows = [...(await sql`SELECT seq, line FROM audit ORDER BY seq`)];
    } finally {
      await sql.close();
    }
    expect(rows.length).toBeGreaterThan(50);
    const key = new Uint8Array(Buffer.from(readFileSync(path.join(dataDir, "audit.key"), "utf8").trim(), "hex"));
    const report = verifyTrail(
      rows.map((r) => ({ where: `row seq ${r.seq}`, text: r.line ?? "{}" })),
      key,
    );
    expect(report.ok, JSON.stringify(report)).toBe(true);
  });
});
