/**
 * Sustained load: 64 keep-alive connections for several minutes on a mixed workload
 * (Encrypt 40 %, Decrypt 30 %, Get 15 %, Locate 10 %, Create 5 %) against the real server as its own
 * process on a real SQLite file. Reports throughput, p50/p99 latency, errors and the server's peak RSS.
 *
 *   bun bench/load.ts [--seconds 180] [--connections 64]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 180);
const CONNECTIONS = arg("connections", 64);
const root = path.resolve(import.meta.dir, "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "kms-load-"));
const child = spawn(process.execPath, ["src/server/main.ts", "--port", "0", "--data-dir", dataDir], {
  cwd: root,
  stdio: ["ignore", "ignore", "pipe"],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
    const m = /"url":"([^"]+)"/.exec(out);
    if (m) resolve(m[1]);
  });
  child.on("exit", (c) => reject(new Error(`server exited ${c}: ${out}`)));
});

const rssOf = (pid: number) => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(child.pid!))), 500);

const post = async (body: unknown) => {
  const res = await fetch(`${url}/kmip/2_1`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, json: res.status === 200 ? await res.json() : (await res.text(), undefined) };
};
const s = (tag: string, ...value: unknown[]) => ({ tag, type: "Structure", value });
const n = (tag: string, type: string, value: unknown) => ({ tag, type, value });
// biome-ignore lint/suspicious/noExplicitAny: walks untyped JSON TTLV replies
const field = (node: any, tag: string): any => {
  if (node?.tag === tag) return node.value;
  if (Array.isArray(node?.value))
    for (const c of node.value) {
      const f = field(c, tag);
      if (f !== undefined) return f;
    }
  return undefined;
};
const tagAttr = s(
  "VendorAttributes",
  s(
    "VendorAttributes",
    n("VendorIdentification", "TextString", "cosmian"),
    n("AttributeName", "TextString", "tag"),
    n("AttributeValue", "ByteString", Buffer.from('["load"]').toString("hex")),
  ),
);
const create = () =>
  post(
    s(
      "Create",
      n("ObjectType", "Enumeration", "SymmetricKey"),
      s("Attributes", n("CryptographicAlgorithm", "Enumeration", "AES"), tagAttr),
    ),
  );

const keys: string[] = [];
for (let i = 0; i < 50; i++) keys.push(field((await create()).json, "UniqueIdentifier"));
const samples: { uid: string; data: string; nonce: string; tag: string }[] = [];

const latencies: number[] = [];
let errors = 0;
const counts: Record<string, number> = {};
const deadline = performance.now() + SECONDS * 1000;
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];

async function worker() {
  while (performance.now() < deadline) {
    const r = Math.random();
    const t0 = performance.now();
    let op = "Encrypt";
    let res;
    try {
      if (r < 0.4 || samples.length === 0) {
        const uid = pick(keys);
        res = await post(
          s(
            "Encrypt",
            n("UniqueIdentifier", "TextString", uid),
            n("Data", "ByteString", Buffer.from(crypto.getRandomValues(new Uint8Array(64))).toString("hex")),
          ),
        );
        if (res.status === 200 && samples.length < 1000)
          samples.push({
            uid,
            data: field(res.json, "Data"),
            nonce: field(res.json, "IvCounterNonce"),
            tag: field(res.json, "AuthenticatedEncryptionTag"),
          });
      } else if (r < 0.7) {
        op = "Decrypt";
        const e = pick(samples);
        res = await post(
          s(
            "Decrypt",
            n("UniqueIdentifier", "TextString", e.uid),
            n("Data", "ByteString", e.data),
            n("IvCounterNonce", "ByteString", e.nonce),
            n("AuthenticatedEncryptionTag", "ByteString", e.tag),
          ),
        );
      } else if (r < 0.85) {
        op = "Get";
        res = await post(s("Get", n("UniqueIdentifier", "TextString", pick(keys))));
      } else if (r < 0.95) {
        op = "Locate";
        res = await post(s("Locate", n("MaximumItems", "Integer", 10), s("Attributes", tagAttr)));
      } else {
        op = "Create";
        res = await create();
      }
      if (res.status !== 200) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t0);
    counts[op] = (counts[op] ?? 0) + 1;
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: CONNECTIONS }, worker));
const elapsed = (performance.now() - t0) / 1000;
clearInterval(sampler);
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
console.log(
  `${CONNECTIONS} keep-alive connections for ${elapsed.toFixed(0)} s, mixed workload ${JSON.stringify(counts)}`,
);
console.log(
  `throughput ${(latencies.length / elapsed).toFixed(0)} req/s; latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms; errors ${errors}; server peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
);
child.kill("SIGTERM");
rmSync(dataDir, { recursive: true, force: true });
