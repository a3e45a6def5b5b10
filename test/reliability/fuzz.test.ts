/** Hostile input, bounded run for CI (the long run is `bun bench/fuzz.ts`). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { fuzz, PROTOTYPE_NAMES } from "./fuzz-harness.ts";
import { postKmip, startTestServer, t, valueOf, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1 << 20 });
});
afterAll(async () => server?.dispose());

test("2,000 mutated requests: only clear 4xx answers, no 5xx, rejected ones change nothing, the server stays up", async () => {
  const c = await postKmip(
    server.url,
    t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
  );
  const uid = valueOf(c.json, "UniqueIdentifier") as string;
  const rssBefore = process.memoryUsage().rss;
  const result = await fuzz(server.url, server.dataDir, uid, 2000, 20261129);
  expect(result.problems).toEqual([]);
  expect(result.tried).toBe(2000);
  expect(result.rejected).toBeGreaterThan(1000);
  expect((await fetch(server.url + "/health")).status).toBe(200);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
}, 240_000);

test("names of Object.prototype members in every position of every request: no 5xx", async () => {
  const c = await postKmip(
    server.url,
    t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))),
  );
  const uid = valueOf(c.json, "UniqueIdentifier") as string;
  const problems: string[] = [];
  const bodies = [
    ...PROTOTYPE_NAMES.map((name) => ({ tag: name, type: "Structure", value: [] })),
    ...PROTOTYPE_NAMES.map((name) =>
      t.s(
        "SetAttribute",
        t.text("UniqueIdentifier", uid),
        t.s("NewAttribute", t.text("AttributeName", name), t.text("AttributeValue", "x")),
      ),
    ),
    ...PROTOTYPE_NAMES.map((name) => t.s("Locate", t.s("Attributes", t.e("ObjectType", name)))),
  ];
  for (const body of bodies) {
    const r = await postKmip(server.url, body);
    if (r.status >= 500 || r.status < 400)
      problems.push(`${JSON.stringify(body).slice(0, 120)} -> ${r.status} ${r.text.slice(0, 120)}`);
  }
  for (const name of PROTOTYPE_NAMES) {
    const g = await fetch(server.url + "/access/grant", {
      method: "POST",
      body: JSON.stringify({ unique_identifier: uid, user_id: name, operation_types: [name] }),
    });
    if (g.status >= 500) problems.push(`grant ${name} -> ${g.status}`);
    const l = await fetch(server.url + `/access/list/${encodeURIComponent(name)}`);
    if (l.status >= 500) problems.push(`list ${name} -> ${l.status}`);
  }
  expect(problems).toEqual([]);
});
