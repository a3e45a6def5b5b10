/**
 * Long crash-safety run: `bun bench/crash-soak.ts [rounds=30]`. Each round loads the real server
 * with concurrent writes, SIGKILLs it at a random moment, restarts it and verifies every
 * acknowledged write and SQLite's integrity (see test/reliability/crash-harness.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crashRound, emptyAck } from "../test/reliability/crash-harness.ts";

const rounds = Number(process.argv[2] ?? 30);
const dataDir = mkdtempSync(path.join(tmpdir(), "kms-soak-"));
const ack = emptyAck();
let requests = 0;
let failures = 0;
try {
  for (let i = 1; i <= rounds; i++) {
    const killAfter = 100 + Math.random() * 1900;
    const round = await crashRound(dataDir, ack, killAfter, 16);
    requests += round.requests;
    const ok = round.problems.length === 0 && round.integrity === "ok";
    if (!ok) failures++;
    console.log(
      `round ${i}: killed after ${killAfter.toFixed(0)} ms, ${round.requests} requests, integrity ${round.integrity}, ${round.problems.length} problems`,
    );
    for (const p of round.problems.slice(0, 5)) console.log(`  ${p}`);
  }
  console.log(
    `\n${rounds} kills survived: ${rounds - failures}; requests ${requests}; objects acknowledged ${ack.created.size + ack.imported.size}; ciphertexts checked ${ack.encrypted.length}; destroys ${ack.destroyed.size}; rekeys ${ack.rekeyed.size}`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
