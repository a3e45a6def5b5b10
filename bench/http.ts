/**
 * HTTP throughput of the built executable (dist/kms) under an external load generator, beside a
 * bare Bun echo server (bench/echo-server.ts) measured in the same run: the ceiling a Bun HTTP
 * server reaches on this machine. Results go to bench/RESULTS.md (and stdout).
 *
 *   bun bench/http.ts [--seconds 3] [--runs 3] [--connections 16] [--objects 100000] [--quick]
 *
 * - Generator: wrk (Debian's package; installed with apt-get when missing), 2 threads, keep-alive
 *   connections, one prebuilt body per scenario (a Lua script reads it from a file, so binary TTLV
 *   bodies work too). Each figure is the median of `--runs` runs of `--seconds`.
 * - Pinning: when the machine has at least 2 cores, servers run on core 0 and wrk on core 1
 *   (taskset), so the generator does not steal the server's core and runs are comparable.
 * - Scenarios, in JSON TTLV and binary TTLV (application/octet-stream on /kmip/2_1): Encrypt 64 B
 *   (AES-GCM, XChaCha20-Poly1305), Decrypt, Get, Create (durable: SQLite synchronous=FULL),
 *   Locate by tag among `--objects` objects (created beforehand through batched binary requests),
 *   CoverCrypt encrypt/decrypt, FPE (FF1 on digits), 1 MiB Encrypt.
 * - Big payloads: 1 MiB and 64 MiB Encrypt + Decrypt round trips (fetch, sequential), plaintext
 *   throughput, and the peak RSS (VmHWM) of a fresh server per size and encoding.
 * - Scale: database size after the objects, the server's idle RSS, and the executable's start-up
 *   time to its first answered request.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpus, loadavg, tmpdir } from "node:os";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeNode, encodeNode, type TtlvNode } from "../src/kmip/ttlv.ts";
import { decodeTtlvBinary, encodeTtlvBinary } from "../src/kmip/ttlv-binary.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const QUICK = process.argv.includes("--quick");
const SECONDS = arg("seconds", QUICK ? 1 : 3);
const RUNS = arg("runs", QUICK ? 1 : 3);
const CONNECTIONS = arg("connections", 16);
const OBJECTS = arg("objects", QUICK ? 5_000 : 100_000);
const root = path.resolve(import.meta.dir, "..");
const work = mkdtempSync(path.join(tmpdir(), "kms-bench-"));
const PINNED = cpus().length >= 2;
const pin = (core: number, cmd: string[]) => (PINNED ? ["taskset", "-c", String(core), ...cmd] : cmd);

// ---------------------------------------------------------------- set-up: wrk, executable
function ensureWrk(): void {
  if (spawnSync("wrk", ["-v"]).error === undefined) return;
  console.log("installing wrk (apt-get install -y wrk)");
  const r = spawnSync("sh", ["-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("wrk is required: apt-get install -y wrk");
}
ensureWrk();
const exe = path.join(root, "dist/kms");
if (!existsSync(exe) || process.argv.includes("--build")) {
  const r = spawnSync(process.execPath, [path.join(root, "scripts/build.ts")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

type Node = { tag: string; type?: string; value: unknown };
const t = {
  s: (tag: string, ...value: Node[]): Node => ({ tag, type: "Structure", value }),
  text: (tag: string, value: string): Node => ({ tag, type: "TextString", value }),
  int: (tag: string, value: number): Node => ({ tag, type: "Integer", value }),
  e: (tag: string, value: string | number): Node => ({ tag, type: "Enumeration", value }),
  b: (tag: string, hex: string): Node => ({ tag, type: "ByteString", value: hex }),
};
const hex = (s: string | Uint8Array) => Buffer.from(s).toString("hex");
const find = (node: Node | undefined, tag: string): Node | undefined => {
  if (!node) return undefined;
  if (node.tag === tag) return node;
  if (Array.isArray(node.value))
    for (const c of node.value as Node[]) {
      const f = find(c, tag);
      if (f) return f;
    }
  return undefined;
};
const valueOf = (node: Node | undefined, tag: string) => find(node, tag)?.value as string;

/** A binary RequestMessage (KMIP 2.1) with one batch item per operation node. */
function binaryRequest(...ops: Node[]): Uint8Array {
  const node = t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.int("BatchCount", ops.length),
    ),
    ...ops.map((op) => t.s("BatchItem", t.e("Operation", op.tag), t.s("RequestPayload", ...(op.value as Node[])))),
  );
  return encodeTtlvBinary(decodeNode(node));
}

// ---------------------------------------------------------------- servers
interface Server {
  child: ChildProcess;
  url: string;
}
function startProcess(cmd: string[], urlFrom: "stdout" | "stderr"): Promise<Server> {
  const child = spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd.join(" ")} did not start: ${out}`)), 30_000);
    child[urlFrom]!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace("0.0.0.0", "127.0.0.1") });
      }
    });
    child.on("exit", (c) => reject(new Error(`${cmd.join(" ")} exited ${c}: ${out}`)));
  });
}
const stop = (s: Server) =>
  new Promise<void>((r) => {
    s.child.once("exit", () => r());
    s.child.kill("SIGTERM");
  });
const procStatus = (pid: number, field: string) => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
};
const MiB = 1024 * 1024;

async function post(url: string, body: Node | Uint8Array): Promise<{ status: number; node?: Node; text: string }> {
  const binary = body instanceof Uint8Array;
  const res = await fetch(url + "/kmip/2_1", {
    method: "POST",
    headers: { "content-type": binary ? "application/octet-stream" : "application/json" },
    body: binary ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  if (binary) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    try {
      return { status: res.status, node: encodeNode(decodeTtlvBinary(bytes) as TtlvNode) as Node, text: "" };
    } catch {
      return { status: res.status, text: Buffer.from(bytes).toString() };
    }
  }
  const text = await res.text();
  try {
    return { status: res.status, node: JSON.parse(text), text };
  } catch {
    return { status: res.status, text };
  }
}
async function ok(url: string, body: Node): Promise<Node> {
  const r = await post(url, body);
  if (r.status !== 200) throw new Error(`${body.tag}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.node!;
}

// ---------------------------------------------------------------- wrk
interface WrkResult {
  rps: number;
  p50ms: number;
  non2xx: number;
}
function wrkOnce(url: string, bodyFile: string, contentType: string): WrkResult {
  const lua = path.join(work, "post.lua");
  writeFileSync(
    lua,
    `local f = assert(io.open(${JSON.stringify(bodyFile)}, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "${contentType}"
non2xx = 0
function response(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end
`,
  );
  const [cmd, ...args] = pin(1, ["wrk", "-t2", `-c${CONNECTIONS}`, `-d${SECONDS}s`, "--latency", "-s", lua, url]);
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  const p50ms = p50 ? Number(p50[1]) * (p50[2] === "us" ? 0.001 : p50[2] === "s" ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps, p50ms, non2xx };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let scenarioId = 0;
function wrkMedian(url: string, body: string | Uint8Array, contentType: string, route = "/kmip/2_1"): WrkResult {
  const file = path.join(work, `body-${scenarioId++}`);
  writeFileSync(file, body);
  const runs = Array.from({ length: RUNS }, () => wrkOnce(url + route, file, contentType));
  return {
    rps: median(runs.map((r) => r.rps)),
    p50ms: median(runs.map((r) => r.p50ms)),
    non2xx: Math.max(...runs.map((r) => r.non2xx)),
  };
}

// ---------------------------------------------------------------- run
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? "unknown",
  load: loadavg()
    .map((l) => l.toFixed(2))
    .join(", "),
  date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  bun: Bun.version,
};
console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, load average ${machine.load}; pinned: ${PINNED}`);

// start-up time: spawn to the first answered request (10 tries, median)
async function startupMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 7); i++) {
    const dir = mkdtempSync(path.join(work, "start-"));
    const t0 = performance.now();
    const s = await startProcess(pin(0, [exe, "--port", "0", "--data-dir", dir]), "stderr");
    const res = await fetch(s.url + "/kmip/2_1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(t.s("Query")),
    });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await stop(s);
  }
  return median(times);
}
const startup = await startupMs();
console.log(`start-up to first answer: ${startup.toFixed(0)} ms`);

const echo = await startProcess(pin(0, [process.execPath, path.join(root, "bench/echo-server.ts")]), "stdout");
const dataDir = path.join(work, "data");
const kms = await startProcess(
  pin(0, [
    exe,
    "--port",
    "0",
    "--data-dir",
    dataDir,
    "--max-body-size",
    String(200 * MiB),
    "--max-response-size",
    String(300 * MiB),
  ]),
  "stderr",
);
const idleRss = procStatus(kms.child.pid!, "VmRSS");

// objects for the scenarios
const sym = async (alg: string) =>
  valueOf(
    await ok(
      kms.url,
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", alg), t.int("CryptographicLength", 256)),
      ),
    ),
    "UniqueIdentifier",
  );
const aes = await sym("AES");
const chacha = await sym("ChaCha20");
const fpeKey = await sym("FPE_FF1");
const data64 = hex(new Uint8Array(64).fill(7));
const encryptAes = t.s("Encrypt", t.text("UniqueIdentifier", aes), t.b("Data", data64));
const encrypted = await ok(kms.url, encryptAes);
const decryptAes = t.s(
  "Decrypt",
  t.text("UniqueIdentifier", aes),
  t.b("Data", valueOf(encrypted, "Data")),
  t.b("IvCounterNonce", valueOf(encrypted, "IvCounterNonce")),
  t.b("AuthenticatedEncryptionTag", valueOf(encrypted, "AuthenticatedEncryptionTag")),
);
// XChaCha20-Poly1305 is a ChaCha20 key given a 24-byte nonce (a fixed one here: a benchmark body is replayed)
const encryptXChaCha = t.s(
  "Encrypt",
  t.text("UniqueIdentifier", chacha),
  t.b("Data", data64),
  t.b("IvCounterNonce", "11".repeat(24)),
);
await ok(kms.url, encryptXChaCha);
const fpeEncrypt = t.s(
  "Encrypt",
  t.text("UniqueIdentifier", fpeKey),
  t.s("CryptographicParameters", t.e("CryptographicAlgorithm", "FPE_FF1")),
  t.b("Data", hex("1234567890123456")),
);
const fpeOk = await post(kms.url, fpeEncrypt);

// CoverCrypt: master key pair, a user key, one ciphertext
const ccAttr = (id: number) => `{"id":${id},"encryption_hint":"Classic","write_status":"EncryptDecrypt"}`;
const ccPolicy = `{"version":"V2","last_attribute_value":5,"dimensions":{"Level":{"Ordered":{"Low":${ccAttr(1)},"High":${ccAttr(2)}}},"Dept":{"Unordered":{"FIN":${ccAttr(3)},"HR":${ccAttr(4)},"MKG":${ccAttr(5)}}}}}`;
const va = (name: string, value: string) =>
  t.s(
    "VendorAttributes",
    t.text("VendorIdentification", "cosmian"),
    t.text("AttributeName", name),
    t.b("AttributeValue", hex(value)),
  );
const pair = await ok(
  kms.url,
  t.s(
    "CreateKeyPair",
    t.s(
      "CommonAttributes",
      t.e("ObjectType", "PrivateKey"),
      t.s("VendorAttributes", va("cover_crypt_policy", ccPolicy)),
      t.e("CryptographicAlgorithm", "CoverCrypt"),
      t.e("KeyFormatType", "CoverCryptSecretKey"),
    ),
  ),
);
const msk = valueOf(pair, "PrivateKeyUniqueIdentifier"),
  mpk = valueOf(pair, "PublicKeyUniqueIdentifier");
const udk = valueOf(
  await ok(
    kms.url,
    t.s(
      "Create",
      t.e("ObjectType", "PrivateKey"),
      t.s(
        "Attributes",
        t.e("ObjectType", "PrivateKey"),
        t.s("Link", t.s("Link", t.e("LinkType", "ParentLink"), t.text("LinkedObjectIdentifier", msk))),
        t.s("VendorAttributes", va("cover_crypt_access_policy", "Level::High")),
        t.e("CryptographicAlgorithm", "CoverCrypt"),
        t.e("CryptographicUsageMask", 8),
        t.e("KeyFormatType", "CoverCryptSecretKey"),
      ),
    ),
  ),
  "UniqueIdentifier",
);
const leb = (n: number) => {
  let s = "";
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    s += b.toString(16).padStart(2, "0");
  } while (n);
  return s;
};
const vec = (h: string) => leb(h.length / 2) + h;
const ccEncrypt = t.s(
  "Encrypt",
  t.text("UniqueIdentifier", mpk),
  t.b("Data", vec(hex("Dept::HR && Level::Low")) + vec("") + data64),
);
const ccDecrypt = t.s(
  "Decrypt",
  t.text("UniqueIdentifier", udk),
  t.b("Data", valueOf(await ok(kms.url, ccEncrypt), "Data")),
);
await ok(kms.url, ccDecrypt);

// the objects Locate searches: unique tags, created in batched binary requests
const tagAttr = (tag: string) =>
  t.s(
    "VendorAttributes",
    t.s(
      "VendorAttributes",
      t.text("VendorIdentification", "cosmian"),
      t.text("AttributeName", "tag"),
      t.b("AttributeValue", hex(JSON.stringify([tag]))),
    ),
  );
const createTagged = (tag: string) =>
  t.s(
    "Create",
    t.e("ObjectType", "SymmetricKey"),
    t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256), tagAttr(tag)),
  );
const t0 = performance.now();
const BATCH = 250;
for (let i = 0; i < OBJECTS; i += BATCH * 4) {
  await Promise.all(
    [0, 1, 2, 3].map(async (k) => {
      const from = i + k * BATCH;
      if (from >= OBJECTS) return;
      const ops = Array.from({ length: Math.min(BATCH, OBJECTS - from) }, (_, j) => createTagged(`bulk-${from + j}`));
      const r = await post(kms.url, binaryRequest(...ops));
      if (r.status !== 200 || JSON.stringify(r.node).includes("OperationFailed"))
        throw new Error(`bulk create failed: ${r.status} ${r.text.slice(0, 200)}`);
    }),
  );
}
const bulkSeconds = (performance.now() - t0) / 1000;
const dbBytes = ["kms.db", "kms.db-wal"]
  .map((f) => path.join(dataDir, f))
  .filter(existsSync)
  .reduce((n, f) => n + statSync(f).size, 0);
console.log(
  `${OBJECTS} objects created in ${bulkSeconds.toFixed(1)} s (${(OBJECTS / bulkSeconds).toFixed(0)}/s, batches of ${BATCH}); database ${(dbBytes / MiB).toFixed(1)} MiB`,
);
const locate = t.s("Locate", t.s("Attributes", tagAttr(`bulk-${Math.floor(OBJECTS / 2)}`)));
const located = await ok(kms.url, locate);
if (!find(located, "UniqueIdentifier")) throw new Error("Locate found nothing");

const get = t.s("Get", t.text("UniqueIdentifier", aes));
const create = t.s(
  "Create",
  t.e("ObjectType", "SymmetricKey"),
  t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
);
const big = t.s("Encrypt", t.text("UniqueIdentifier", aes), t.b("Data", hex(new Uint8Array(MiB).fill(1))));

const scenarios: [string, Node][] = [
  ["Encrypt 64 B AES-GCM", encryptAes],
  ["Encrypt 64 B XChaCha20-Poly1305", encryptXChaCha],
  ["Decrypt 64 B AES-GCM", decryptAes],
  ["Get (symmetric key)", get],
  ["Create AES key (durable)", create],
  [`Locate by tag (${OBJECTS} objects)`, locate],
  ["CoverCrypt encrypt 64 B", ccEncrypt],
  ["CoverCrypt decrypt 64 B", ccDecrypt],
  ...(fpeOk.status === 200 ? [["FPE FF1 encrypt 16 digits", fpeEncrypt] as [string, Node]] : []),
  ["Encrypt 1 MiB AES-GCM", big],
];
if (fpeOk.status !== 200) console.log(`FPE scenario skipped: ${fpeOk.status} ${fpeOk.text.slice(0, 200)}`);

interface Row {
  name: string;
  json: WrkResult;
  bin: WrkResult;
}
const echoStart = wrkMedian(echo.url, JSON.stringify(encryptAes), "application/json", "/");
console.log(`echo (JSON ${JSON.stringify(encryptAes).length} B): ${echoStart.rps.toFixed(0)} req/s`);
const rows: Row[] = [];
for (const [name, node] of scenarios) {
  const json = wrkMedian(kms.url, JSON.stringify(node), "application/json");
  const bin = wrkMedian(kms.url, binaryRequest(node), "application/octet-stream");
  rows.push({ name, json, bin });
  console.log(
    `${name}: JSON ${json.rps.toFixed(0)} req/s (p50 ${json.p50ms.toFixed(2)} ms${json.non2xx ? `, ${json.non2xx} non-200` : ""}), binary ${bin.rps.toFixed(0)} req/s (p50 ${bin.p50ms.toFixed(2)} ms${bin.non2xx ? `, ${bin.non2xx} non-200` : ""})`,
  );
}

// the ceiling again after the scenarios: a shared machine's load can change during the run; the
// ratios use the mean of both, and the table shows both
const echoEnd = wrkMedian(echo.url, JSON.stringify(encryptAes), "application/json", "/");
console.log(`echo again: ${echoEnd.rps.toFixed(0)} req/s`);
const echoJson = { rps: (echoStart.rps + echoEnd.rps) / 2 };

// big payloads: sequential Encrypt + Decrypt round trips, plaintext MB/s each way, each size and
// encoding on a fresh server so that its peak RSS (VmHWM) is that request's
await stop(kms);
async function bigPayload(size: number, binary: boolean): Promise<{ enc: number; dec: number; peakRss: number }> {
  const server = await startProcess(
    pin(0, [
      exe,
      "--port",
      "0",
      "--data-dir",
      mkdtempSync(path.join(work, "big-")),
      "--max-body-size",
      String(200 * MiB),
      "--max-response-size",
      String(300 * MiB),
    ]),
    "stderr",
  );
  const key = valueOf(
    await ok(
      server.url,
      t.s(
        "Create",
        t.e("ObjectType", "SymmetricKey"),
        t.s("Attributes", t.e("CryptographicAlgorithm", "AES"), t.int("CryptographicLength", 256)),
      ),
    ),
    "UniqueIdentifier",
  );
  const pt = new Uint8Array(size);
  crypto.getRandomValues(pt.subarray(0, Math.min(size, 65536)));
  const encNode = t.s("Encrypt", t.text("UniqueIdentifier", key), t.b("Data", hex(pt)));
  const encBody = binary ? binaryRequest(encNode) : JSON.stringify(encNode);
  const n = size >= 64 * MiB ? 3 : 10;
  const type = binary ? "application/octet-stream" : "application/json";
  let encMs = Infinity,
    decMs = Infinity,
    last: Node | undefined;
  for (let i = 0; i < n; i++) {
    const t1 = performance.now();
    const res = await fetch(server.url + "/kmip/2_1", {
      method: "POST",
      headers: { "content-type": type },
      body: encBody as BodyInit,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    encMs = Math.min(encMs, performance.now() - t1);
    if (res.status !== 200)
      throw new Error(`big Encrypt: ${res.status} ${Buffer.from(bytes.subarray(0, 200)).toString()}`);
    last = binary
      ? (encodeNode(decodeTtlvBinary(bytes, { maxBytes: 4 * size + MiB })) as Node)
      : JSON.parse(Buffer.from(bytes).toString());
  }
  const decNode = t.s(
    "Decrypt",
    t.text("UniqueIdentifier", key),
    t.b("Data", valueOf(last, "Data")),
    t.b("IvCounterNonce", valueOf(last, "IvCounterNonce") ?? valueOf(last, "IVCounterNonce")),
    t.b("AuthenticatedEncryptionTag", valueOf(last, "AuthenticatedEncryptionTag")),
  );
  const decBody = binary ? binaryRequest(decNode) : JSON.stringify(decNode);
  for (let i = 0; i < n; i++) {
    const t1 = performance.now();
    const res = await fetch(server.url + "/kmip/2_1", {
      method: "POST",
      headers: { "content-type": type },
      body: decBody as BodyInit,
    });
    await res.arrayBuffer();
    decMs = Math.min(decMs, performance.now() - t1);
    if (res.status !== 200) throw new Error(`big Decrypt: ${res.status}`);
  }
  const peakRss = procStatus(server.child.pid!, "VmHWM");
  await stop(server);
  return { enc: size / MiB / (encMs / 1000), dec: size / MiB / (decMs / 1000), peakRss };
}
const bigRows: [string, { enc: number; dec: number; peakRss: number }][] = [];
for (const size of [MiB, 64 * MiB])
  for (const binary of [false, true]) {
    const r = await bigPayload(size, binary);
    const label = `${size / MiB} MiB, ${binary ? "binary" : "JSON (hex)"}`;
    bigRows.push([label, r]);
    console.log(
      `${label}: Encrypt ${r.enc.toFixed(0)} MiB/s, Decrypt ${r.dec.toFixed(0)} MiB/s of plaintext; server peak RSS ${(r.peakRss / MiB).toFixed(0)} MiB`,
    );
  }
console.log(`server idle RSS ${(idleRss / MiB).toFixed(0)} MiB`);

await stop(echo);
rmSync(work, { recursive: true, force: true });

// ---------------------------------------------------------------- report
const f0 = (x: number) => x.toFixed(0);
const lines = [
  "# HTTP benchmark results",
  "",
  "Written by `npm run bench` (bench/http.ts). Re-run it rather than editing this file.",
  "",
  `- Machine: ${machine.nproc} cores, ${machine.cpu}; load average at start ${machine.load}; Bun ${machine.bun}; ${machine.date}`,
  `- Generator: wrk, 2 threads, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per run, median of ${RUNS} runs; ${PINNED ? "server on core 0, wrk on core 1 (taskset)" : "not pinned (one core)"}`,
  "- Server: the executable from `npm run build` (dist/kms), no authentication, SQLite (WAL, synchronous=FULL)",
  `- Ceiling: a bare Bun echo server (bench/echo-server.ts, parses and re-serializes the JSON body), same pinning: **${f0(echoJson.rps)} req/s** (mean of ${f0(echoStart.rps)} before and ${f0(echoEnd.rps)} after the scenarios; a large gap means the machine's load changed during the run)`,
  "",
  "| scenario | JSON req/s | JSON p50 ms | JSON / echo | binary req/s | binary p50 ms | binary / echo |",
  "|---|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${f0(r.json.rps)} | ${r.json.p50ms.toFixed(2)} | ${(r.json.rps / echoJson.rps).toFixed(2)} | ${f0(r.bin.rps)} | ${r.bin.p50ms.toFixed(2)} | ${(r.bin.rps / echoJson.rps).toFixed(2)} |`,
  ),
  "",
  "Big payloads (one request at a time from a fetch client on the same machine, best of several; MiB/s of plaintext; peak RSS of a fresh server after that size's Encrypt and Decrypt requests):",
  "",
  "| payload | Encrypt MiB/s | Decrypt MiB/s | server peak RSS MiB |",
  "|---|---:|---:|---:|",
  ...bigRows.map(([l, r]) => `| ${l} | ${f0(r.enc)} | ${f0(r.dec)} | ${f0(r.peakRss / MiB)} |`),
  "",
  `- 1 MiB Encrypt under wrk: JSON ${f0(rows.at(-1)!.json.rps)} req/s = ${f0(rows.at(-1)!.json.rps)} MiB/s of plaintext, binary ${f0(rows.at(-1)!.bin.rps)} MiB/s`,
  `- Idle RSS of the server after start: ${f0(idleRss / MiB)} MiB`,
  `- Scale: ${OBJECTS} keys created in ${bulkSeconds.toFixed(1)} s (${f0(OBJECTS / bulkSeconds)}/s, binary batches of ${BATCH}, 4 in flight); database ${(dbBytes / MiB).toFixed(1)} MiB`,
  `- Start-up of the executable to its first answered request: ${f0(startup)} ms (median)`,
  "",
];
const report = lines.join("\n");
if (!QUICK) writeFileSync(path.join(root, "bench/RESULTS.md"), report);
console.log("\n" + report);
