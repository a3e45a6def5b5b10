/**
 * Scale: the built executable (dist/kms) as its database grows to 10k, 100k and 1M keys. At each
 * step: how long the keys took to create, Encrypt 64 B AES-GCM and Locate-by-tag throughput (JSON,
 * wrk, median of `--runs` short runs), the database size (kms.db + its WAL) and the server's RSS;
 * plus its idle RSS after start. Writes the "Scale" section of bench/RESULTS.md (between
 * `<!-- scale -->` markers; bench/http.ts keeps it when it rewrites the file) and stdout.
 *
 *   bun bench/scale.ts [--max 1000000] [--seconds 3] [--runs 3] [--connections 16]
 *                      [--batch 1000] [--in-flight 4] [--continuation Undo|Continue] [--build]
 *   npm run bench -- scale [--max 100000]
 *
 * The keys are created by batched binary requests: `--batch` Create items per RequestMessage,
 * `--in-flight` requests at once. With BatchErrorContinuationOption Undo (the default here) a
 * request's items run in one transaction with one audit commit (one fsync of the database and one
 * of the audit trail per request); with Continue every item is its own transaction and audit commit.
 * Either way each key is durable and audited before the answer. Server on core 0, wrk on core 1.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  arg,
  argText,
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
  procStatus,
  readResults,
  RESULTS_FILE,
  startProcess,
  stop,
  t,
  tagAttribute,
  valueOf,
  withSection,
  wrkMedian,
} from "./lib.ts";

const MAX = arg("max", 1_000_000);
const STEPS = [10_000, 100_000, 1_000_000].filter((n) => n <= MAX);
const BATCH = arg("batch", 1000);
const IN_FLIGHT = arg("in-flight", 4);
const CONTINUATION = argText("continuation", "Undo") === "Continue" ? "Continue" : "Undo";
const work = mkdtempSync(path.join(tmpdir(), "kms-scale-"));
const wrk = { seconds: arg("seconds", 3), runs: arg("runs", 3), connections: arg("connections", 16), work };
if (!STEPS.length) throw new Error("--max must be at least 10000");

ensureWrk();
const exe = ensureExecutable();
const machine = machineInfo();
console.log(`machine: ${machine.nproc} cores, ${machine.cpu}, load average ${machine.load}; pinned: ${PINNED}`);

const dataDir = path.join(work, "data");
// the default batch limit (1000 items) and body size fit; a larger --batch raises them
const kms = await startProcess(
  pin(0, [exe, "--port", "0", "--data-dir", dataDir, "--max-batch-items", String(Math.max(1000, BATCH))]),
  "stderr",
);
const pid = kms.child.pid!;
await ok(kms.url, t.s("Query"));
await Bun.sleep(500);
const idleRss = procStatus(pid, "VmRSS");
console.log(`idle RSS ${(idleRss / MiB).toFixed(0)} MiB`);

const aes = valueOf(await ok(kms.url, createAes()), "UniqueIdentifier");
const encrypt = JSON.stringify(t.s("Encrypt", t.text("UniqueIdentifier", aes), t.b("Data", hex(new Uint8Array(64)))));

interface Step {
  objects: number;
  createSeconds: number;
  createdNow: number;
  encrypt: number;
  locate: number;
  dbBytes: number;
  rss: number;
  peakRss: number;
}
const steps: Step[] = [];
let created = 0;
const started = performance.now();
for (const target of STEPS) {
  const createSeconds = await createTaggedKeys(kms.url, created, target, {
    batch: BATCH,
    inFlight: IN_FLIGHT,
    continuation: CONTINUATION,
  });
  const createdNow = target - created;
  created = target;
  const locateNode = t.s("Locate", t.s("Attributes", tagAttribute(`bulk-${Math.floor(target / 2)}`)));
  if (!find(await ok(kms.url, locateNode), "UniqueIdentifier")) throw new Error("Locate found nothing");
  const enc = wrkMedian(wrk, kms.url, encrypt, "application/json");
  const loc = wrkMedian(wrk, kms.url, JSON.stringify(locateNode), "application/json");
  if (enc.non2xx || loc.non2xx) throw new Error(`non-200 answers: Encrypt ${enc.non2xx}, Locate ${loc.non2xx}`);
  const step: Step = {
    objects: target,
    createSeconds,
    createdNow,
    encrypt: enc.rps,
    locate: loc.rps,
    dbBytes: databaseBytes(dataDir),
    rss: procStatus(pid, "VmRSS"),
    peakRss: procStatus(pid, "VmHWM"),
  };
  steps.push(step);
  console.log(
    `${target} objects: ${createdNow} created in ${createSeconds.toFixed(1)} s (${(createdNow / createSeconds).toFixed(0)}/s); Encrypt ${enc.rps.toFixed(0)} req/s, Locate ${loc.rps.toFixed(0)} req/s; database ${(step.dbBytes / MiB).toFixed(1)} MiB; RSS ${(step.rss / MiB).toFixed(0)} MiB (peak ${(step.peakRss / MiB).toFixed(0)})`,
  );
}
const totalSeconds = (performance.now() - started) / 1000;
await stop(kms);
rmSync(work, { recursive: true, force: true });

const f0 = (x: number) => x.toFixed(0);
const section = [
  "## Scale",
  "",
  "Written by `npm run bench -- scale` (bench/scale.ts). Re-run it rather than editing this section.",
  "",
  `- Machine: ${machine.nproc} cores, ${machine.cpu}; load average at start ${machine.load}; Bun ${machine.bun}; ${machine.date}`,
  `- One server (dist/kms, SQLite WAL synchronous=FULL, file audit trail) whose database grows step by step; keys created by binary requests of ${BATCH} Create items, ${IN_FLIGHT} in flight, BatchErrorContinuationOption ${CONTINUATION}; each figure after the step's keys exist`,
  `- Encrypt 64 B AES-GCM and Locate by tag (one match): JSON TTLV, wrk ${wrk.connections} connections, median of ${wrk.runs} runs of ${wrk.seconds} s; ${PINNED ? "server on core 0, wrk on core 1" : "not pinned (one core)"}`,
  `- Idle RSS of the server after start: ${f0(idleRss / MiB)} MiB; the whole run took ${f0(totalSeconds)} s`,
  "",
  "| objects | new keys | created in s | keys/s | Encrypt req/s | Locate req/s | database MiB | bytes/object | RSS MiB | peak RSS MiB |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...steps.map(
    (s) =>
      `| ${s.objects} | ${s.createdNow} | ${s.createSeconds.toFixed(1)} | ${f0(s.createdNow / s.createSeconds)} | ${f0(s.encrypt)} | ${f0(s.locate)} | ${(s.dbBytes / MiB).toFixed(1)} | ${f0(s.dbBytes / s.objects)} | ${f0(s.rss / MiB)} | ${f0(s.peakRss / MiB)} |`,
  ),
].join("\n");
writeFileSync(RESULTS_FILE, withSection(readResults(), "scale", section));
console.log(`\n${section}`);
