/** Hostile input, bounded run for CI (the long run is `bun bench/fuzz.ts`). */
import { afterAll, beforeAll, expect, test } from "vitest";
import { fuzz } from "./fuzz-harness.ts";
import { postKmip, startTestServer, t, valueOf, type TestServer } from "../helpers/server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1 << 20 });
});
afterAll(async () => server?.dispose());

test("2,000 mutated requests: only clear 4xx answers, no 5xx, rejected ones change nothing, the server stays up", async () => {
  const c = await postKmip(server.url, t.s("Create", t.e("ObjectType", "SymmetricKey"), t.s("Attributes", t.e("CryptographicAlgorithm", "AES"))));
  const uid = valueOf(c.json, "UniqueIdentifier") as string;
  const rssBefore = process.memoryUsage().rss;
  const result = await fuzz(server.url, server.dataDir, uid, 2000, 20261129);
  expect(result.problems).toEqual([]);
  expect(result.tried).toBe(2000);
  expect(result.rejected).toBeGreaterThan(1000);
  expect((await fetch(server.url + "/health")).status).toBe(200);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(512 * 1024 * 1024);
}, 240_000);
