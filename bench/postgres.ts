/**
 * Encrypt and Create requests per second on SQLite (one node) and on PostgreSQL (one node, then two
 * nodes on one database, the load split between them), each server a child process. Not in CI.
 * PostgreSQL is a throwaway local cluster (test/helpers/postgres.ts) with fsync on, as SQLite's
 * synchronous=FULL: both pay for durable commits.
 *
 *   bun bench/postgres.ts [--seconds 3] [--connections 8]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPostgres } from "../test/helpers/postgres.ts";
import { startProcess, type ServerProcess } from "../test/reliability/crash-harness.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 3);
const CONNECTIONS = arg("connections", 8);

const post = async (url: string, body: string) => {
  const res = await fetch(`${url}/kmip/2_1`, { method: "POST", body, headers: { "content-type": "application/json" } });
  const text = await res.text();
  return { status: res.status, text };
};

const createBody = JSON.stringify({
  tag: "Create",
  type: "Structure",
  value: [
    { tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" },
    {
      tag: "Attributes",
      type: "Structure",
      value: [
        { tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" },
        { tag: "CryptographicLength", type: "Integer", value: 256 },
      ],
    },
  ],
});
const encryptBody = (uid: string) =>
  JSON.stringify({
    tag: "Encrypt",
    type: "Structure",
    value: [
      { tag: "UniqueIdentifier", type: "TextString", value: uid },
      { tag: "Data", type: "ByteString", value: "00".repeat(64) },
    ],
  });

/** Requests per second over all `urls` (connections spread evenly). */
async function load(urls: string[], body: string): Promise<{ rps: number; errors: number }> {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  let errors = 0;
  const worker = async (url: string) => {
    while (performance.now() < deadline) {
      const r = await post(url, body);
      if (r.status === 200) done++;
      else errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => worker(urls[i % urls.length])));
  return { rps: done / ((performance.now() - t0) / 1000), errors };
}

async function measure(label: string, nodes: ServerProcess[]): Promise<string> {
  const created = await post(nodes[0].url, createBody);
  const uid = (JSON.parse(created.text).value as { tag: string; value: string }[]).find(
    (n) => n.tag === "UniqueIdentifier",
  )!.value;
  const urls = nodes.map((n) => n.url);
  await load(urls, encryptBody(uid)); // warm-up
  const enc = await load(urls, encryptBody(uid));
  const cre = await load(urls, createBody);
  return `| ${label} | ${enc.rps.toFixed(0)} | ${cre.rps.toFixed(0)} |${enc.errors + cre.errors ? ` errors: ${enc.errors + cre.errors}` : ""}`;
}

const work = mkdtempSync(path.join(tmpdir(), "kms-bench-pg-"));
const keyFile = path.join(work, "master.key");
writeFileSync(keyFile, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
const pg = await startPostgres({ durable: true });
const rows = [`| backend | Encrypt req/s | Create req/s |`, `| --- | --- | --- |`];
const stop = async (nodes: ServerProcess[]) => {
  for (const n of nodes) {
    n.child.kill("SIGTERM");
    await n.exited;
  }
};
try {
  const sqlite = [await startProcess(path.join(work, "sqlite"), ["--log-level", "info"])];
  rows.push(await measure("SQLite, 1 node", sqlite));
  await stop(sqlite);
  const url = await pg.createDatabase("bench");
  const pgArgs = [
    "--log-level",
    "info",
    "--database-type",
    "postgresql",
    "--database-url",
    url,
    "--master-key-file",
    keyFile,
  ];
  const one = [await startProcess(path.join(work, "pg1"), pgArgs)];
  rows.push(await measure("PostgreSQL, 1 node", one));
  const two = [...one, await startProcess(path.join(work, "pg2"), pgArgs)];
  rows.push(await measure("PostgreSQL, 2 nodes", two));
  await stop(two);
} finally {
  pg.dispose();
  rmSync(work, { recursive: true, force: true });
}
console.log(`${SECONDS} s per measure, ${CONNECTIONS} connections, 64-byte AES-256-GCM Encrypt\n`);
console.log(rows.join("\n"));
