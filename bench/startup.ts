/**
 * Start-up of the executable: spawn (pinned to core 0, a new data folder each time) to its first
 * answered request (a JSON Query), the median of `--tries`. With several executables (e.g. one
 * built from another commit), their tries are interleaved so that a change in the machine's load
 * affects them alike.
 *
 *   bun bench/startup.ts [--tries 10] [EXECUTABLE ...]     (default: dist/kms, built if missing)
 *   npm run bench -- startup
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { arg, ensureExecutable, median, startupMs } from "./lib.ts";

const TRIES = arg("tries", 10);
const given = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--tries");
const exes = given.length ? given.map((e) => path.resolve(e)) : [ensureExecutable()];
const work = mkdtempSync(path.join(tmpdir(), "kms-startup-"));
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`,
);
const times = exes.map(() => [] as number[]);
for (let i = 0; i < TRIES; i++) for (const [j, exe] of exes.entries()) times[j].push(await startupMs(exe, work, 1));
rmSync(work, { recursive: true, force: true });
for (const [j, exe] of exes.entries()) {
  const sorted = [...times[j]].sort((a, b) => a - b);
  console.log(
    `${exe}: start-up to the first answered request ${median(sorted).toFixed(0)} ms (median of ${TRIES}; min ${sorted[0].toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)})`,
  );
}
