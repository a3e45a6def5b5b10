/**
 * The tamper-evident audit trail on a real server, checked with the real `kms audit verify`
 * command: hash chain and HMAC checkpoints in a file and in the database; modified, removed,
 * reordered and truncated records are reported (line, what); the record is on disk when the answer
 * arrives; an operation whose audit record cannot be written does not run (file: intent refused;
 * database: rolled back with it); the real client address and port under mTLS.
 */
import { afterAll, describe, expect, test } from "vitest";
import { Database } from "bun:sqlite";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { findAll, postKmip, startTestServer, t, valueOf, type Node, type TestServer } from "../helpers/server.ts";
import { postBinary, requestMessage } from "../helpers/binary.ts";
import { FileAuditSink } from "../../src/server/audit.ts";
import { ConfigError, loadConfig } from "../../src/server/config.ts";
import { createLogger } from "../../src/server/log.ts";

const root = path.resolve(import.meta.dirname, "../..");
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
const CERTS = path.join(root, "test/vectors/certs");

const servers: TestServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function kms(...args: string[]) {
  const r = spawnSync(bun, [path.join(root, "src/cli/main.ts"), ...args], { cwd: root, encoding: "utf8" });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

const TOKEN = "audit-trail-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const create = async (url: string) => {
  const r = await postKmip(
    url,
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
    ),
    auth,
  );
  return { status: r.status, text: r.text, uid: valueOf(r.json, "UniqueIdentifier") as string | undefined };
};
/** A KMIP 2.1 RequestMessage of two batch items. */
const message2 = (a: Node, b: Node) =>
  t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.int("BatchCount", 2),
    ),
    a,
    b,
  );
const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");
const records = (file: string) => lines(file).map((l) => JSON.parse(l) as Record<string, unknown>);

async function serverWithTrail(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer({
    apiKeys: [{ user: "alice", token: TOKEN }],
    auditCheckpointRecords: 4,
    ...overrides,
  });
  servers.push(server);
  return server;
}

describe("file trail", () => {
  test("intent and outcome records are on disk when the answer arrives; the key file is created 0600", async () => {
    const server = await serverWithTrail();
    const file = path.join(server.dataDir, "audit.log");
    const c = await create(server.url);
    expect(c.status).toBe(200);
    const recs = records(file); // read right after the answer: already written and fdatasync'ed
    const mine = recs.filter((r) => r.requestId === recs.findLast((x) => x.type === "event")!.requestId);
    expect(mine).toEqual([
      expect.objectContaining({
        seq: 1,
        type: "event",
        phase: "intent",
        user: "alice",
        operation: "Create",
        result: "Pending",
        client: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      }),
      expect.objectContaining({
        seq: 2,
        type: "event",
        phase: "outcome",
        user: "alice",
        operation: "Create",
        result: "Success",
        objectId: c.uid,
      }),
    ]);
    expect(statSync(path.join(server.dataDir, "audit.key")).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("a read-only operation (Encrypt, Get, Locate, a batch of them) has one outcome record, on disk when the answer arrives", async () => {
    const server = await serverWithTrail();
    const file = path.join(server.dataDir, "audit.log");
    const c = await create(server.url);
    const enc = await postKmip(
      server.url,
      t.s("Encrypt", t.text("UniqueIdentifier", c.uid!), t.b("Data", "00112233")),
      auth,
    );
    expect(enc.status).toBe(200);
    let recs = records(file); // read right after the answer
    expect(recs.filter((r) => r.requestId === recs.findLast((x) => x.type === "event")!.requestId)).toEqual([
      expect.objectContaining({ phase: "outcome", operation: "Encrypt", result: "Success", objectId: c.uid }),
    ]);
    const batch = await postKmip(
      server.url,
      message2(
        t.s("BatchItem", t.e("Operation", "Get"), t.s("RequestPayload", t.text("UniqueIdentifier", c.uid!))),
        t.s("BatchItem", t.e("Operation", "Locate"), t.s("RequestPayload", t.s("Attributes"))),
      ),
      auth,
    );
    expect(batch.status).toBe(200);
    recs = records(file);
    expect(
      recs
        .filter((r) => r.requestId === recs.findLast((x) => x.type === "event")!.requestId)
        .map((r) => [r.phase, r.operation, r.result]),
    ).toEqual([
      ["outcome", "Get", "Success"],
      ["outcome", "Locate", "Success"],
    ]);
    // a batch with one state-changing item keeps its intent record
    const mixed = await postKmip(
      server.url,
      message2(
        t.s("BatchItem", t.e("Operation", "Get"), t.s("RequestPayload", t.text("UniqueIdentifier", c.uid!))),
        t.s("BatchItem", t.e("Operation", "Activate"), t.s("RequestPayload", t.text("UniqueIdentifier", c.uid!))),
      ),
      auth,
    );
    expect(mixed.status).toBe(200);
    recs = records(file);
    expect(
      recs
        .filter((r) => r.requestId === recs.findLast((x) => x.type === "event")!.requestId)
        .map((r) => [r.phase, r.operation]),
    ).toEqual([
      ["intent", "Get,Activate"],
      ["outcome", "Get"],
      ["outcome", "Activate"],
    ]);
    expect(kms("audit", "verify", file).code).toBe(0);
  });

  test("--audit-sync: answer by default, background by flag or environment, anything else refused with a clear message", () => {
    const sync = (argv: string[], env: Record<string, string> = {}) => {
      const c = loadConfig(argv, env);
      return c.kind === "run" ? c.config.auditSync : undefined;
    };
    expect(sync([])).toBe("answer");
    expect(sync(["--audit-sync", "background"])).toBe("background");
    expect(sync([], { KMS_AUDIT_SYNC: "background" })).toBe("background");
    expect(() => loadConfig(["--audit-sync", "never"], {})).toThrow(ConfigError);
    expect(() => loadConfig(["--audit-sync", "never"], {})).toThrow(
      '--audit-sync must be answer or background, got "never"',
    );
  });

  test("--audit-sync background: the outcome record is written when the answer arrives (its fdatasync follows) and the trail verifies", async () => {
    const server = await serverWithTrail({ auditSync: "background" });
    const file = path.join(server.dataDir, "audit.log");
    const uids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await create(server.url);
      expect(c.status).toBe(200);
      uids.push(c.uid as string);
      // read right after the answer: the outcome is in the file (written before the answer was sent)
      expect(records(file).some((r) => r.phase === "outcome" && r.objectId === c.uid && r.result === "Success")).toBe(
        true,
      );
    }
    await server.stop();
    servers.pop();
    dirs.push(server.dataDir);
    const r = kms("audit", "verify", file, "--audit-key-file", path.join(server.dataDir, "audit.key"));
    expect(r.code, r.out + r.err).toBe(0);
    expect(records(file).filter((x) => x.phase === "outcome" && uids.includes(x.objectId as string))).toHaveLength(5);
  });

  test("answer mode waits for the flush, background mode does not: on a trail that can be written but not flushed (/dev/null: fdatasync fails)", async () => {
    const query = t.s("Query", t.e("QueryFunction", "QueryOperations"));
    const answer = await serverWithTrail({ audit: "/dev/null" });
    const refused = await postKmip(answer.url, query, auth);
    expect({ status: refused.status, text: refused.text }).toEqual({
      status: 503,
      text: expect.stringMatching(/^General_Failure: the audit trail cannot be written, so the request was not run/),
    });
    const background = await serverWithTrail({ audit: "/dev/null", auditSync: "background" });
    const served = await postKmip(background.url, query, auth);
    expect(served.status).toBe(200);
    expect(valueOf(served.json, "Operation")).toBeDefined();
  });

  test("kms audit verify: OK with counts; then a modified, a removed, a reordered record and a torn line are each reported", async () => {
    const server = await serverWithTrail();
    for (let i = 0; i < 5; i++) expect((await create(server.url)).status).toBe(200);
    await postKmip(server.url, t.s("Destroy", t.text("UniqueIdentifier", "missing")), auth);
    await server.stop();
    servers.pop();
    dirs.push(server.dataDir);
    const file = path.join(server.dataDir, "audit.log");
    const key = path.join(server.dataDir, "audit.key");
    const good = readFileSync(file, "utf8");
    const all = good.trim().split("\n");
    // 12 events (intent + outcome per request), a checkpoint after every 4, and one at shutdown
    expect(all.map((l) => JSON.parse(l).type).join(" ")).toBe(
      "event event event event checkpoint event event event event checkpoint event event event event checkpoint",
    );

    let r = kms("audit", "verify", file, "--audit-key-file", key);
    expect(r).toMatchObject({
      code: 0,
      out: `OK ${file}: 15 records (12 events, 3 checkpoints); last checkpoint at seq 15 (${JSON.parse(all[14]).time}) [key ${key}]`,
    });
    r = kms("audit", "verify", file); // the key next to the trail is found
    expect(r.code).toBe(0);

    const broken = (mutate: (l: string[]) => string[] | string) => {
      const m = mutate([...all]);
      writeFileSync(file, typeof m === "string" ? m : m.join("\n") + "\n");
      return kms("audit", "verify", file, "--audit-key-file", key);
    };
    r = broken((l) => ((l[5] = l[5].replace('"user":"alice"', '"user":"bob"')), l));
    expect(r).toEqual({
      code: 1,
      out: `BROKEN ${file}: line 7: the previous record (line 6) was modified: its SHA-256 is not the prev hash this record carries (6 records verified before it) [key ${key}]`,
      err: "",
    });
    r = broken((l) => (l.splice(6, 1), l));
    expect(r.out).toBe(
      `BROKEN ${file}: line 7: record(s) missing or reordered: expected seq 7, found 8 (6 records verified before it) [key ${key}]`,
    );
    r = broken((l) => ([l[7], l[6]] = [l[6], l[7]]) && l);
    expect(r.out).toMatch(/^BROKEN .*: line 7: record\(s\) missing or reordered: expected seq 7, found 8 /);
    r = broken((l) => l.join("\n").slice(0, -30)); // a torn last line
    expect(r.out).toMatch(/^BROKEN .*: line 15: not a JSON record \(modified, or an incomplete write\)/);
    r = broken((l) => l.slice(0, 12)); // whole records cut after the last checkpoint but one: not detectable alone
    expect(r).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /: 12 records .*; last checkpoint at seq 10 \(.*\); 2 event\(s\) after the last verified checkpoint are hash-chained only/,
      ),
    });
    expect(kms("audit", "verify", file, "--audit-key-file", path.join(CERTS, "ca.pem"))).toMatchObject({
      code: 2,
      err: expect.stringContaining("must hold 64 hex digits"),
    });
    expect(kms("audit", "frobnicate")).toMatchObject({
      code: 2,
      err: expect.stringContaining("usage: kms audit verify"),
    });
    writeFileSync(file, good);
    expect(kms("audit", "verify", file, "--audit-key-file", key).code).toBe(0);
  });

  test("a client-chosen object id is cut to 512 characters in the records", async () => {
    const server = await serverWithTrail();
    const long = "x".repeat(100_000);
    const r = await postKmip(server.url, t.s("Destroy", t.text("UniqueIdentifier", long)), auth);
    expect(r.status).toBe(422);
    const get = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", long)), auth);
    expect(get.status).toBe(422);
    const mine = records(path.join(server.dataDir, "audit.log")).filter((rec) => rec.type === "event");
    expect(mine.map((rec) => [rec.operation, rec.phase, rec.result, rec.objectId])).toEqual([
      ["Destroy", "intent", "Pending", "x".repeat(512) + "..."],
      ["Destroy", "outcome", "Item_Not_Found", "x".repeat(512) + "..."],
      ["Get", "outcome", "Object_Not_Found", "x".repeat(512) + "..."],
    ]);
  });

  test("a restarted server continues the chain of the existing file", async () => {
    const server = await serverWithTrail({ auditCheckpointRecords: 1000 });
    await create(server.url);
    await server.stop();
    servers.pop();
    const again = await serverWithTrail({ dataDir: server.dataDir, auditCheckpointRecords: 1000 });
    await create(again.url);
    await again.stop();
    servers.pop();
    dirs.push(server.dataDir);
    const file = path.join(server.dataDir, "audit.log");
    expect(records(file).map((r) => `${r.seq}:${r.type}`)).toEqual([
      "1:event",
      "2:event",
      "3:checkpoint",
      "4:event",
      "5:event",
      "6:checkpoint",
    ]);
    expect(kms("audit", "verify", file).out).toMatch(
      /^OK .*: 6 records \(4 events, 2 checkpoints\); last checkpoint at seq 6/,
    );
  });

  test("a checkpoint is also written T seconds after the first record it does not cover yet", async () => {
    const server = await serverWithTrail({ auditCheckpointRecords: 1000, auditCheckpointSeconds: 1 });
    const file = path.join(server.dataDir, "audit.log");
    await create(server.url);
    expect(records(file).map((r) => r.type)).toEqual(["event", "event"]);
    for (let i = 0; i < 60 && records(file).length < 3; i++) await Bun.sleep(100);
    expect(records(file).map((r) => r.type)).toEqual(["event", "event", "checkpoint"]);
    expect(kms("audit", "verify", file).out).toMatch(
      /^OK .*: 3 records \(2 events, 1 checkpoint\); last checkpoint at seq 3/,
    );
  });

  test("a trail written by an older server (no chain): kept as is, the chain starts after it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "kms-test-"));
    const file = path.join(dataDir, "audit.log");
    const old = [
      '{"time":"2025-01-01T00:00:00.000Z","requestId":"a","user":"alice","operation":"Get","result":"Success"}',
      '{"time":"2025-01-01T00:00:01.000Z","requestId":"b","user":"alice","operation":"Get","result":"Success"}',
    ];
    writeFileSync(file, old.join("\n") + "\n");
    const server = await serverWithTrail({ dataDir, auditCheckpointRecords: 1000 });
    expect((await create(server.url)).status).toBe(200);
    await server.stop();
    servers.pop();
    dirs.push(dataDir);
    expect(lines(file).slice(0, 2)).toEqual(old);
    expect(
      records(file)
        .slice(2)
        .map((r) => r.seq),
    ).toEqual([3, 4, 5]);
    expect(kms("audit", "verify", file).out).toMatch(
      /^OK .*: 3 records \(2 events, 1 checkpoint\); 2 older unchained lines before the chain; last checkpoint at seq 5/,
    );
  });

  test("a trail whose last line is incomplete: the server does not start, and says what to do", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "kms-test-"));
    dirs.push(dataDir);
    const file = path.join(dataDir, "audit.log");
    writeFileSync(file, '{"seq":1,"time":"2026-01-01T00:00:00.000Z","type":"ev');
    const started = startTestServer({ dataDir, apiKeys: [{ user: "alice", token: TOKEN }] });
    await expect(started).rejects.toThrow(
      `the audit trail ${file} ends with an incomplete record; check it with \`kms audit verify\` and move it aside`,
    );
    expect(existsSync(path.join(dataDir, "kms.pid"))).toBe(false); // the data folder is released
  });

  test("when the intent record cannot be written the operation does not run: 503, no object created", async () => {
    const server = await serverWithTrail({ audit: "/dev/full" }); // every write fails with ENOSPC
    const c = await create(server.url);
    expect(c).toMatchObject({ status: 503, uid: undefined });
    expect(c.text).toMatch(
      /^General_Failure: the audit trail cannot be written, so the request was not run \(request \w+\)$/,
    );
    // binary TTLV: a ResponseMessage whose items all failed, nothing run
    const binary = await postBinary(
      server.url,
      requestMessage(
        [2, 1],
        [
          "Create",
          [
            t.e("ObjectType", "SymmetricKey"),
            t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
          ],
        ],
      ),
      auth,
    );
    expect(binary.status).toBe(200);
    expect(
      findAll(binary.node, "BatchItem").map((i) => [valueOf(i, "ResultStatus"), valueOf(i, "ResultReason")]),
    ).toEqual([["OperationFailed", "General_Failure"]]);
    expect(valueOf(binary.node, "ResultMessage")).toMatch(
      /^the audit trail cannot be written, so the request was not run/,
    );
    await server.stop();
    servers.pop();
    dirs.push(server.dataDir);
    const db = new Database(path.join(server.dataDir, "kms.db"), { readonly: true });
    expect(db.query("SELECT count(*) AS n FROM objects").get()).toEqual({ n: 0 });
    db.close();
  });

  test("when the one record of a read-only operation cannot be written, its answer is withheld: 503, no ciphertext", async () => {
    const server = await serverWithTrail({ audit: "/dev/full" });
    for (const body of [
      t.s("Encrypt", t.text("UniqueIdentifier", "any"), t.b("Data", "00112233")),
      t.s("Locate", t.s("Attributes")),
      t.s("Query", t.e("QueryFunction", "QueryOperations")),
    ]) {
      const r = await postKmip(server.url, body, auth);
      expect({ status: r.status, text: r.text }).toEqual({
        status: 503,
        text: expect.stringMatching(
          /^General_Failure: the audit trail cannot be written, so the request was not run \(request \w+\)$/,
        ),
      });
    }
    const binary = await postBinary(server.url, requestMessage([2, 1], ["Locate", [t.s("Attributes")]]), auth);
    expect(
      findAll(binary.node, "BatchItem").map((i) => [valueOf(i, "ResultStatus"), valueOf(i, "ResultReason")]),
    ).toEqual([["OperationFailed", "General_Failure"]]);
    expect(findAll(binary.node, "ResponsePayload")).toEqual([]);
  });

  test("an outcome record that cannot be written after the work is done: the real result, and a loud log line", async () => {
    const logged: string[] = [];
    const sink = new FileAuditSink("/dev/full", {
      key: new Uint8Array(32),
      checkpointRecords: 100,
      checkpointSeconds: 60,
      log: createLogger("info", (l) => logged.push(l)),
    });
    const result = await sink.committed(
      async () => "the committed result",
      () => [{ requestId: "r1", user: "alice", operation: "Create", result: "Success" }],
    );
    expect(result).toBe("the committed result");
    expect(logged.map((l) => JSON.parse(l).msg)).toEqual([
      "AUDIT TRAIL WRITE FAILED",
      "AUDIT RECORD LOST: an operation ran but its outcome record could not be written",
    ]);
    expect(JSON.parse(logged[1]).records).toEqual(["r1 alice Create Success"]);
    await sink.close();
  });
});

describe("database trail", () => {
  test("records in the operation's transaction; verify --data-dir; a modified row, line or a deleted row is reported", async () => {
    const server = await serverWithTrail({ audit: "database" });
    for (let i = 0; i < 5; i++) expect((await create(server.url)).status).toBe(200);
    await server.stop();
    servers.pop();
    dirs.push(server.dataDir);
    expect(existsSync(path.join(server.dataDir, "audit.log"))).toBe(false);
    const dir = server.dataDir;
    expect(kms("audit", "verify", "--data-dir", dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /^OK database .*kms\.db: 7 records \(5 events, 2 checkpoints\); last checkpoint at seq 7/,
      ),
    });
    const db = new Database(path.join(dir, "kms.db"));
    const tamper = (sql: string, undo: string) => {
      db.exec(sql);
      const r = kms("audit", "verify", "--data-dir", dir);
      db.exec(undo);
      return r;
    };
    expect(
      tamper("UPDATE audit SET user_id = 'bob' WHERE seq = 2", "UPDATE audit SET user_id = 'alice' WHERE seq = 2").out,
    ).toMatch(/^BROKEN database .*: row seq 2: the row's user column differs from its chained record \(modified\)/);
    const line2 = (db.query("SELECT line FROM audit WHERE seq = 2").get() as { line: string }).line;
    expect(
      tamper(
        `UPDATE audit SET line = '${line2.replace('"alice"', '"bob"')}', user_id = 'bob' WHERE seq = 2`,
        `UPDATE audit SET line = '${line2}', user_id = 'alice' WHERE seq = 2`,
      ).out,
    ).toMatch(/: row seq 3: the previous record \(row seq 2\) was modified/);
    const row3 = db.query("SELECT * FROM audit WHERE seq = 3").get() as Record<string, string | number | null>;
    const cols = Object.keys(row3);
    const restore = `INSERT INTO audit (${cols.join(",")}) VALUES (${cols.map((c) => (row3[c] === null ? "NULL" : typeof row3[c] === "number" ? row3[c] : `'${row3[c]}'`)).join(",")})`;
    expect(tamper("DELETE FROM audit WHERE seq = 3", restore).out).toMatch(
      /: row seq 4: record\(s\) missing or reordered: expected seq 3, found 4/,
    );
    db.close();
    expect(kms("audit", "verify", "--data-dir", dir).code).toBe(0);
  });

  test("rows written by an older server (no line): the chain starts after them", async () => {
    const server = await serverWithTrail({ audit: "database", auditCheckpointRecords: 1000 });
    await create(server.url);
    await create(server.url);
    await server.stop();
    servers.pop();
    const db = new Database(path.join(server.dataDir, "kms.db"));
    db.exec("DELETE FROM audit WHERE operation = '(checkpoint)'; UPDATE audit SET line = NULL"); // as before the chain existed
    db.close();
    const again = await serverWithTrail({ audit: "database", auditCheckpointRecords: 1000, dataDir: server.dataDir });
    expect((await create(again.url)).status).toBe(200);
    await again.stop();
    servers.pop();
    dirs.push(server.dataDir);
    expect(kms("audit", "verify", "--data-dir", server.dataDir).out).toMatch(
      /^OK database .*: 2 records \(1 event, 1 checkpoint\); 2 older unchained lines before the chain; last checkpoint at seq 4/,
    );
  });

  test("when the record cannot be inserted the operation is rolled back with it: 503, no object", async () => {
    const server = await serverWithTrail({ audit: "database" });
    const db = new Database(path.join(server.dataDir, "kms.db"));
    db.exec("CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
    const c = await create(server.url);
    expect(c).toMatchObject({ status: 503, uid: undefined });
    expect(db.query("SELECT count(*) AS n FROM objects").get()).toEqual({ n: 0 });
    db.exec("DROP TRIGGER no_audit");
    const ok = await create(server.url);
    expect(ok.status).toBe(200);
    expect(db.query("SELECT id FROM objects").all()).toEqual([{ id: ok.uid }]);
    db.close();
  });
});

describe("batches", () => {
  const header = (mode: string) =>
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.e("BatchErrorContinuationOption", mode),
      t.int("BatchCount", 2),
    );
  const item = (op: string, ...payload: ReturnType<typeof t.s>[]) =>
    t.s("BatchItem", t.e("Operation", op), t.s("RequestPayload", ...payload));
  const createItem = item(
    "Create",
    t.e("ObjectType", "SymmetricKey"),
    t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
  );
  const getMissing = item("Get", t.text("UniqueIdentifier", "missing"));
  const message = (mode: string) => t.s("RequestMessage", header(mode), createItem, getMissing);

  test.each([["file"], ["database"]])(
    "%s trail: each item has its record; an Undo batch records Undone for the rolled-back items",
    async (where) => {
      const server = await serverWithTrail(where === "database" ? { audit: "database" } : {});
      for (const mode of ["Continue", "Undo"])
        expect((await postKmip(server.url, message(mode), auth)).status).toBe(200);
      await server.stop();
      servers.pop();
      dirs.push(server.dataDir);
      let events: Record<string, unknown>[];
      if (where === "file") events = records(path.join(server.dataDir, "audit.log")).filter((r) => r.type === "event");
      else {
        const db = new Database(path.join(server.dataDir, "kms.db"), { readonly: true });
        events = (db.query("SELECT line FROM audit ORDER BY seq").all() as { line: string }[])
          .map((r) => JSON.parse(r.line))
          .filter((r) => r.type === "event");
        db.close();
      }
      const summary = events.map((r) => `${r.phase ?? "-"} ${r.operation} ${r.result}`);
      const intents = where === "file" ? ["intent Create,Get Pending"] : [];
      expect(summary).toEqual([
        ...intents,
        `${where === "file" ? "outcome" : "-"} Create Success`,
        `${where === "file" ? "outcome" : "-"} Get Object_Not_Found`,
        ...intents,
        `${where === "file" ? "outcome" : "-"} Create Undone`,
        `${where === "file" ? "outcome" : "-"} Get Object_Not_Found`,
      ]);
      const verify =
        where === "file"
          ? kms("audit", "verify", path.join(server.dataDir, "audit.log"))
          : kms("audit", "verify", "--data-dir", server.dataDir);
      expect(verify.code).toBe(0);
    },
  );
});

describe("under mTLS the audit names the real client address and port, not the front's loopback connection", () => {
  test("the source port of the client's own TLS connection is in the record", async () => {
    const pem = (f: string) => readFileSync(path.join(CERTS, f), "utf8");
    const server = await serverWithTrail({
      tls: {
        certFile: path.join(CERTS, "server.pem"),
        keyFile: path.join(CERTS, "server.key"),
        clientsCaFile: path.join(CERTS, "ca.pem"),
      },
    });
    const { localPort, response } = await new Promise<{ localPort: number; response: string }>((resolve, reject) => {
      const s = tls.connect(
        {
          host: "127.0.0.1",
          port: server.port,
          ca: pem("ca.pem"),
          cert: pem("alice.pem"),
          key: pem("alice.key"),
          servername: "localhost",
        },
        () => {
          s.write(`GET /me HTTP/1.1\r\nHost: localhost:${server.port}\r\nConnection: close\r\n\r\n`);
        },
      );
      let data = "";
      s.on("data", (d) => (data += d))
        .on("end", () => resolve({ localPort: s.localPort!, response: data }))
        .on("error", reject);
    });
    expect(response).toMatch(/^HTTP\/1\.1 200[\s\S]*\{"user":"alice@example\.com"\}$/);
    const me = records(path.join(server.dataDir, "audit.log")).filter((r) => r.operation === "me");
    expect(me.map((r) => [r.phase, r.user, r.client])).toEqual([
      ["intent", "alice@example.com", `127.0.0.1:${localPort}`],
      ["outcome", "alice@example.com", `127.0.0.1:${localPort}`],
    ]);
  });
});
