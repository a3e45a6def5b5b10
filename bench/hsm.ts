/**
 * HSM benchmark (not run in CI, nor by `npm run bench`): KMIP Encrypt (AES-256-GCM, 64-byte data,
 * keep-alive) with a key in SoftHSM2 (the encryption runs inside the HSM, through PKCS#11) and with
 * a database key, side by side, against one server. Needs SoftHSM2 (apt-get install softhsm2).
 *
 *   bun bench/hsm.ts [--seconds 5] [--connections 8]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createSoftHsmToken, softHsmAvailable, MISSING } from "../test/helpers/softhsm.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 5);
const CONNECTIONS = arg("connections", 8);
const root = path.resolve(import.meta.dir, "..");
if (!softHsmAvailable) {
  console.error(MISSING);
  process.exit(1);
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

const token = createSoftHsmToken("bench");
const dataDir = mkdtempSync(path.join(tmpdir(), "kms-bench-hsm-"));
let child: ChildProcess | undefined;
try {
  child = spawn(
    process.execPath,
    [
      "src/server/main.ts",
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--log-level",
      "info",
      "--hsm-model",
      "softhsm2",
      "--hsm-slot",
      token.slot,
      "--hsm-password-file",
      token.pinFile,
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SOFTHSM2_CONF: path.join(token.dir, "softhsm2.conf") },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child!.stderr!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]);
    });
    child!.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const kmip = async (body: unknown) => {
    const r = await fetch(`${url}/kmip/2_1`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(text);
    return text;
  };
  const create = (uid?: string) => ({
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
          ...(uid ? [{ tag: "UniqueIdentifier", type: "TextString", value: uid }] : []),
        ],
      },
    ],
  });
  const hsmUid = `hsm::${token.slot}::bench`;
  await kmip(create(hsmUid));
  const dbUid = (/"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(await kmip(create())) ?? [])[1];
  const encrypt = (uid: string) =>
    JSON.stringify({
      tag: "Encrypt",
      value: [
        { tag: "UniqueIdentifier", type: "TextString", value: uid },
        { tag: "CryptographicParameters", value: [{ tag: "BlockCipherMode", type: "Enumeration", value: "GCM" }] },
        { tag: "Data", type: "ByteString", value: randomBytes(64).toString("hex") },
      ],
    });
  await load(`${url}/kmip/2_1`, encrypt(hsmUid), 1, CONNECTIONS); // warm-up
  await load(`${url}/kmip/2_1`, encrypt(dbUid!), 1, CONNECTIONS);
  const hsm = await load(`${url}/kmip/2_1`, encrypt(hsmUid), SECONDS, CONNECTIONS);
  const db = await load(`${url}/kmip/2_1`, encrypt(dbUid!), SECONDS, CONNECTIONS);
  console.log(`AES-256-GCM Encrypt, 64 bytes, ${CONNECTIONS} connections, ${SECONDS} s each`);
  console.log(`  HSM key (SoftHSM2)  ${hsm.rps.toFixed(0).padStart(7)} req/s  (${hsm.errors} errors)`);
  console.log(`  database key        ${db.rps.toFixed(0).padStart(7)} req/s  (${db.errors} errors)`);
  console.log(`  ratio HSM / database: ${(hsm.rps / db.rps).toFixed(2)}`);
} finally {
  child?.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
  token.dispose();
}
