/**
 * Server benchmark, run by `npm run bench`: KMIP Encrypt (AES-256-GCM, 64-byte data, keep-alive,
 * several connections) against our server and, in the same run, a bare Bun JSON echo server; the
 * ratio is what we track. Also 1 MiB Encrypt throughput over HTTP, and AES-256-GCM in-process.
 *
 *   bun bench/server.ts [--seconds 10] [--connections 16]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as aesGcm from "../src/crypto/aes-gcm.ts";
import { randomBytes } from "../src/crypto/random.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 10);
const CONNECTIONS = arg("connections", 16);
const root = path.resolve(import.meta.dir, "..");

function start(
  args: string[],
  match: RegExp,
  stream: "stdout" | "stderr",
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child[stream]!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = match.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function load(
  url: string,
  body: string,
  seconds: number,
  connections: number,
): Promise<{ rps: number; errors: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      await res.arrayBuffer();
      if (res.status === 200) done++;
      else errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { rps: done / ((performance.now() - t0) / 1000), errors };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const dataDir = mkdtempSync(path.join(tmpdir(), "kms-bench-"));
// info level: the start-up line carries the URL; per-request lines are debug.
const kms = await start(
  ["src/server/main.ts", "--port", "0", "--data-dir", dataDir, "--log-level", "info"],
  /"url":"([^"]+)"/,
  "stderr",
);
const echo = await start(["bench/echo-server.ts"], /"url":"([^"]+)"/, "stdout");
try {
  const create = await fetch(`${kms.url}/kmip/2_1`, {
    method: "POST",
    body: JSON.stringify({
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
    }),
  });
  const uid = (JSON.stringify(await create.json()).match(/"UniqueIdentifier","type":"TextString","value":"([^"]+)"/) ??
    [])[1];
  const encryptBody = (bytes: number) =>
    JSON.stringify({
      tag: "Encrypt",
      type: "Structure",
      value: [
        { tag: "UniqueIdentifier", type: "TextString", value: uid },
        { tag: "Data", type: "ByteString", value: hex(randomBytes(bytes)) },
      ],
    });
  const small = encryptBody(64);

  // warm-up
  await load(`${kms.url}/kmip/2_1`, small, 1, CONNECTIONS);
  await load(echo.url, small, 1, CONNECTIONS);
  const ours = await load(`${kms.url}/kmip/2_1`, small, SECONDS, CONNECTIONS);
  const base = await load(echo.url, small, SECONDS, CONNECTIONS);

  const big = encryptBody(1 << 20);
  const bigRun = await load(`${kms.url}/kmip/2_1`, big, Math.max(3, SECONDS / 2), 2);

  const key = randomBytes(32),
    nonce = randomBytes(12),
    mib = randomBytes(1 << 20);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    aesGcm.encrypt(key, nonce, mib);
    n++;
  }
  const inProcess = (n * (1 << 20)) / ((performance.now() - t0) / 1000) / 1e9;

  const lines = [
    `machine: ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}; ${SECONDS}s per run, ${CONNECTIONS} keep-alive connections`,
    `KMIP Encrypt AES-256-GCM 64 B   ${ours.rps.toFixed(0).padStart(8)} req/s  (errors ${ours.errors})`,
    `bare Bun JSON echo server       ${base.rps.toFixed(0).padStart(8)} req/s  (errors ${base.errors})`,
    `ratio ours / echo               ${((ours.rps / base.rps) * 100).toFixed(1)} %  (target >= 50 %)`,
    `KMIP Encrypt 1 MiB over HTTP    ${((bigRun.rps * (1 << 20)) / 1e6).toFixed(0).padStart(8)} MB/s of plaintext (${bigRun.rps.toFixed(1)} req/s, errors ${bigRun.errors})`,
    `AES-256-GCM 1 MiB in-process    ${inProcess.toFixed(2).padStart(8)} GB/s  (target >= 1 GB/s)`,
  ];
  console.log(lines.join("\n"));
} finally {
  kms.child.kill("SIGTERM");
  echo.child.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
