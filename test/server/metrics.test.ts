/**
 * GET /metrics (Prometheus text format), /health/live and /health/ready over real HTTP: the
 * endpoint is off by default, open with --metrics, behind its own bearer token with
 * --metrics-token-file; counters, histograms, object gauges and the audit-failure counter move.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { hex, postKmip, startTestServer, t, valueOf, type TestServer } from "../helpers/server.ts";
import { loadConfig } from "../../src/server/config.ts";

/** Parses the exposition into `name{labels}` -> value, checking every line's syntax. */
function parse(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("#")) {
      expect(line).toMatch(/^# (HELP|TYPE) [a-z_]+ .+$/);
      continue;
    }
    const m = /^([a-z_]+(?:\{[^}]*\})?) (-?[0-9.e+]+)$/.exec(line);
    expect(m, line).not.toBeNull();
    out.set(m![1], Number(m![2]));
  }
  return out;
}

async function scrape(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url + "/metrics", { headers });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

const create = (url: string) =>
  postKmip(
    url,
    t.s(
      "Create",
      t.e("ObjectType", "SymmetricKey"),
      t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
    ),
  );

describe("off by default", () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server?.dispose());

  test("GET /metrics is 404 with a clear message; /health, /health/live and /health/ready answer", async () => {
    const r = await scrape(server.url);
    expect(r.status).toBe(404);
    expect(r.text).toMatch(/metrics are disabled/);
    const live = await fetch(server.url + "/health/live");
    expect([live.status, await live.json()]).toEqual([200, { status: "UP" }]);
    const ready = await fetch(server.url + "/health/ready");
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: "UP", dependencies: { database: { status: "UP" } } },
    ]);
    expect((await fetch(server.url + "/health")).status).toBe(200);
  });
});

describe("--metrics", () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ metrics: true })));
  afterAll(() => server?.dispose());

  test("requests by operation and result, latency histogram, objects by type and state, HTTP answers, process figures", async () => {
    const before = parse((await scrape(server.url)).text);
    const c = await create(server.url);
    const uid = valueOf(c.json, "UniqueIdentifier") as string;
    await postKmip(server.url, t.s("Encrypt", t.text("UniqueIdentifier", uid), t.b("Data", hex("metrics"))));
    const missing = await postKmip(server.url, t.s("Get", t.text("UniqueIdentifier", "no-such-object")));
    expect(missing.status).toBe(422);
    await postKmip(
      server.url,
      t.s(
        "Revoke",
        t.text("UniqueIdentifier", uid),
        t.s("RevocationReason", t.e("RevocationReasonCode", "Unspecified")),
      ),
    );
    const r = await scrape(server.url);
    expect(r.status).toBe(200);
    expect(r.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    const after = parse(r.text);
    const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
    expect(delta('kms_kmip_requests_total{operation="Create",result="Success"}')).toBe(1);
    expect(delta('kms_kmip_requests_total{operation="Encrypt",result="Success"}')).toBe(1);
    expect(
      delta('kms_kmip_requests_total{operation="Get",result="Item_Not_Found"}') +
        delta('kms_kmip_requests_total{operation="Get",result="Object_Not_Found"}'),
    ).toBe(1);
    expect(delta('kms_kmip_request_duration_seconds_count{operation="Create"}')).toBe(1);
    expect(after.get('kms_kmip_request_duration_seconds_bucket{operation="Create",le="+Inf"}')).toBe(
      after.get('kms_kmip_request_duration_seconds_count{operation="Create"}'),
    );
    expect(after.get('kms_kmip_request_duration_seconds_bucket{operation="Create",le="10"}')).toBe(1);
    expect(delta('kms_http_requests_total{route="kmip",code="200"}')).toBe(3);
    expect(delta('kms_http_requests_total{route="kmip",code="422"}')).toBe(1);
    expect(after.get('kms_objects{object_type="SymmetricKey",state="Deactivated"}')).toBe(1);
    expect(after.get("kms_http_requests_in_flight")).toBe(0);
    expect(after.get("kms_database_up")).toBe(1);
    expect(after.get("kms_database_size_bytes")).toBeGreaterThan(0);
    expect(after.get("kms_object_cache_capacity")).toBeGreaterThan(0);
    expect(after.get("kms_audit_failures_total")).toBe(0);
    expect(after.get("process_resident_memory_bytes")).toBeGreaterThan(1e6);
    expect(after.get("process_start_time_seconds")).toBeGreaterThan(1.6e9);
    expect([...after.keys()].some((k) => k.startsWith("kms_build_info{version="))).toBe(true);
  });

  test("in-flight requests are counted while they run", async () => {
    // a slow key generation keeps one request in flight while we scrape
    const slow = postKmip(
      server.url,
      t.s(
        "CreateKeyPair",
        t.s("CommonAttributes", t.e("CryptographicAlgorithm", "RSA"), t.int("CryptographicLength", 4096)),
      ),
    );
    let seen = 0;
    for (let i = 0; i < 50 && seen === 0; i++) {
      seen = parse((await scrape(server.url)).text).get("kms_http_requests_in_flight") ?? 0;
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    await slow;
    expect(seen).toBe(1);
    expect(parse((await scrape(server.url)).text).get("kms_http_requests_in_flight")).toBe(0);
  });
});

describe("audit failures", () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer({ metrics: true, audit: "/dev/full" })));
  afterAll(() => server?.dispose());

  test("an audit trail that cannot be written is counted (and the request is refused with 503, never served unaudited)", async () => {
    const r = await create(server.url);
    expect(r.status).toBe(503);
    const m = parse((await scrape(server.url)).text);
    expect(m.get("kms_audit_failures_total")).toBeGreaterThanOrEqual(1);
    expect(m.get('kms_http_requests_total{route="kmip",code="503"}')).toBe(1);
  });
});

describe("--metrics-token-file", () => {
  let server: TestServer;
  const TOKEN = "metrics-token-0123456789abcdef";
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "kms-metrics-"));
    const file = path.join(dir, "token");
    writeFileSync(file, TOKEN + "\n");
    chmodSync(file, 0o600);
    server = await startTestServer({
      metricsTokenFile: file,
      apiKeys: [{ user: "alice", token: "alice-token-0123456789abcdef" }],
    });
  });
  afterAll(() => server?.dispose());

  test("the token is required (a KMS API key is not enough); audit failures are counted", async () => {
    expect((await scrape(server.url)).status).toBe(401);
    expect((await scrape(server.url, { authorization: "Bearer alice-token-0123456789abcdef" })).status).toBe(401);
    expect((await scrape(server.url, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    const ok = await scrape(server.url, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.text).not.toContain(TOKEN);
  });

  test("command line: --metrics is a switch, the token file option takes a value; a short token is refused at start", async () => {
    const parsed = loadConfig(["--metrics", "--port", "0"], {});
    expect(parsed.kind === "run" && parsed.config.metrics && parsed.config.port === 0).toBe(true);
    const dir = mkdtempSync(path.join(tmpdir(), "kms-metrics-"));
    writeFileSync(path.join(dir, "short"), "short");
    await expect(startTestServer({ metricsTokenFile: path.join(dir, "short") })).rejects.toThrow(
      /at least 16 characters/,
    );
    await expect(startTestServer({ metricsTokenFile: path.join(dir, "absent") })).rejects.toThrow(
      /cannot read the metrics token file .*ENOENT/,
    );
  });
});
