/**
 * The audit trail: every operation is recorded (time, user, operation, object id, result, client
 * address) before the answer, in a file or in the database, with no key material in it.
 */
import { afterAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { SqliteStore } from "../../src/store/sqlite.ts";
import { hex, postKmip, startTestServer, t, valueOf, type TestServer } from "../helpers/server.ts";

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

const TOKEN = "audit-test-token-0123456789";

async function exercise(server: TestServer) {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const c = await postKmip(
    server.url,
    t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
    auth,
  );
  const uid = valueOf(c.json, "UniqueIdentifier") as string;
  const e = await postKmip(
    server.url,
    t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("top secret plaintext"))),
    auth,
  );
  expect(e.status).toBe(200);
  await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", "missing")), auth);
  await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", uid)), {
    authorization: "Bearer wrong-token-xxxxxxxxxx",
  });
  await fetch(`${server.url}/access/grant`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ unique_identifier: uid, user_id: "bob", operation_types: ["get"] }),
  });
  return { uid, keyHex: "" };
}

function check(
  events: { user: string; operation: string; objectId?: string; result: string; client?: string }[],
  uid: string,
) {
  expect(events).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ user: "alice", operation: "Create", objectId: uid, result: "Success" }),
      expect.objectContaining({ user: "alice", operation: "Encrypt", objectId: uid, result: "Success" }),
      expect.objectContaining({ user: "alice", operation: "Get", objectId: "missing", result: "Object_Not_Found" }),
      expect.objectContaining({ user: "-", operation: "kmip", result: "Authentication_Not_Successful" }),
      expect.objectContaining({ user: "alice", operation: "access/grant", result: "Success" }),
    ]),
  );
  for (const e of events) expect(e.client).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
}

describe("audit trail", () => {
  test("to a file (the default), with no plaintext or token in it", async () => {
    const server = await startTestServer({ apiKeys: [{ user: "alice", token: TOKEN }] });
    servers.push(server);
    const { uid } = await exercise(server);
    const text = readFileSync(path.join(server.dataDir, "audit.log"), "utf8");
    const events = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    check(events, uid);
    expect(text).not.toContain(hex("top secret plaintext"));
    expect(text).not.toContain(TOKEN);
  });

  test("to the database", async () => {
    const server = await startTestServer({ apiKeys: [{ user: "alice", token: TOKEN }], audit: "database" });
    servers.push(server);
    const { uid } = await exercise(server);
    await server.stop();
    const store = new SqliteStore(path.join(server.dataDir, "kms.db"));
    check(await store.auditTrail(100), uid);
    await store.close();
    servers.pop();
    const { rmSync } = await import("node:fs");
    rmSync(server.dataDir, { recursive: true, force: true });
  });
});
