/**
 * `npm run conformance`: runs the Cosmian corpus (test/conformance/vectors/) against fresh servers,
 * prints one line per scenario and a summary by folder, and raises test/conformance/baseline.json
 * where more scenarios pass (it never lowers it; `--force-baseline` writes the counts as they are).
 *
 * Options: `--only <prefix>` (e.g. `--only negative/decrypt`), `--quiet` (summary and failures only),
 * `--no-baseline` (do not touch baseline.json).
 */
import { readBaseline, runAll, summarize, writeBaseline } from "./suite.ts";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const quiet = args.includes("--quiet");

const results = await runAll({ only });
for (const r of results) {
  if (quiet && r.status === "PASS") continue;
  console.log(`${r.status} ${r.path}${r.reason ? ` — ${r.reason}` : ""}`);
}
const summary = summarize(results);
console.log("");
console.log("folder           pass  fail  skip  total");
for (const [folder, s] of Object.entries(summary)) {
  console.log(`${folder.padEnd(16)} ${String(s.pass).padStart(4)}  ${String(s.fail).padStart(4)}  ${String(s.skip).padStart(4)}  ${String(s.total).padStart(5)}`);
}
if (!only && !args.includes("--no-baseline")) {
  const old = readBaseline();
  const next: Record<string, number> = {};
  for (const [folder, s] of Object.entries(summary)) {
    if (folder === "total") continue;
    next[folder] = args.includes("--force-baseline") ? s.pass : Math.max(s.pass, old[folder] ?? 0);
  }
  writeBaseline(next);
  const dropped = Object.entries(summary).filter(([f, s]) => f !== "total" && s.pass < (old[f] ?? 0));
  for (const [f, s] of dropped) console.log(`REGRESSION ${f}: ${s.pass} passing, baseline ${old[f]}`);
  if (dropped.length) process.exitCode = 1;
}
