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
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeNode } from "../src/kmip/ttlv.ts";
import { decodeTtlvBinary } from "../src/kmip/ttlv-binary.ts";
import {
  arg,
  binaryRequest,
  createAes,
  createTaggedKeys,
  databaseBytes,
  ensureExecutable,
  ensureWrk,
  find,
  hex,
  machineInfo,
  MiB,
  ok,
  PINNED,
  pin,
  post,
  procStatus,
  readResults,
  RESULTS_FILE,
  root,
  sectionOf,
  startProcess,
  startupMs,
  stop,
  t,
  tagAttribute,
  valueOf,
  wrkMedian as wrkMedianWith,
  type Node,
  type WrkResult,
} from "./lib.ts";

const QUICK = process.argv.includes("--quick");
const SECONDS = arg("seconds", QUICK ? 1 : 3);
const RUNS = arg("runs", QUICK ? 1 : 3);
const CONNECTIONS = arg("connections", 16);
const OBJECTS = arg("objects", QUICK ? 5_000 : 100_000);
const work = mkdtempSync(path.join(tmpdir(), "kms-bench-"));

ensureWrk();
const exe = ensureExecutable();
const wrkOptions = { seconds: SECONDS, runs: RUNS, connections: CONNECTIONS, work };
const wrkMedian = (url: string, body: string | Uint8Array, contentType: string, route?: string): WrkResult =>
  wrkMedianWith(wrkOptions, url, body, contentType, route);

// ---------------------------------------------------------------- run
const machine = machineInfo();
console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, load average ${machine.load}; pinned: ${PINNED}`);

// start-up time: spawn to the first answered request (10 tries, median)
const startup = await startupMs(exe, work, QUICK ? 3 : 10);
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
// (BatchErrorContinuationOption Undo: each request's items in one transaction and one audit commit)
const BATCH = 1000;
const bulkSeconds = await createTaggedKeys(kms.url, 0, OBJECTS, { batch: BATCH, inFlight: 4, continuation: "Undo" });
const dbBytes = databaseBytes(dataDir);
console.log(
  `${OBJECTS} objects created in ${bulkSeconds.toFixed(1)} s (${(OBJECTS / bulkSeconds).toFixed(0)}/s, batches of ${BATCH}); database ${(dbBytes / MiB).toFixed(1)} MiB`,
);
const locate = t.s("Locate", t.s("Attributes", tagAttribute(`bulk-${Math.floor(OBJECTS / 2)}`)));
const located = await ok(kms.url, locate);
if (!find(located, "UniqueIdentifier")) throw new Error("Locate found nothing");

const get = t.s("Get", t.text("UniqueIdentifier", aes));
const create = createAes();
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
  `- Scale: ${OBJECTS} keys created in ${bulkSeconds.toFixed(1)} s (${f0(OBJECTS / bulkSeconds)}/s, binary batches of ${BATCH}, 4 in flight, BatchErrorContinuationOption Undo); database ${(dbBytes / MiB).toFixed(1)} MiB`,
  `- Start-up of the executable to its first answered request: ${f0(startup)} ms (median)`,
  "",
];
// the Scale section belongs to bench/scale.ts: kept as it is
const scale = sectionOf(readResults(), "scale");
const report = lines.join("\n") + (scale ? `\n${scale}` : "");
if (!QUICK) writeFileSync(RESULTS_FILE, report);
console.log("\n" + report);
