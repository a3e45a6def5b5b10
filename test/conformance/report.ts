/**
 * `npm run conformance`: runs the Cosmian corpus (test/conformance/vectors/) against fresh servers,
 * prints one line per scenario and a summary by folder, and adds the newly passing scenarios to
 * test/conformance/baseline.json (it never removes one; `--force-baseline` writes the list as it is)
 * with the skipped ones and their reasons. It exits non-zero when a scenario fails or regresses.
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
  console.log(
    `${folder.padEnd(16)} ${String(s.pass).padStart(4)}  ${String(s.fail).padStart(4)}  ${String(s.skip).padStart(4)}  ${String(s.total).padStart(5)}`,
  );
}
if (!only && !args.includes("--no-baseline")) {
  const old = readBaseline();
  const passing = results.filter((r) => r.status === "PASS").map((r) => r.path);
  const lost = old.pass.filter((p) => !passing.includes(p));
  const skip = Object.fromEntries(results.filter((r) => r.status === "SKIP").map((r) => [r.path, r.reason ?? ""]));
  // The pass list only grows, unless --force-baseline writes it as it is now.
  writeBaseline({ pass: args.includes("--force-baseline") ? passing : [...old.pass, ...passing], skip });
  for (const p of lost)
    console.log(`REGRESSION ${p}: in the baseline, ${results.find((r) => r.path === p)?.status ?? "not found"} now`);
  if (lost.length) process.exitCode = 1;
}
if (results.some((r) => r.status === "FAIL")) process.exitCode = 1;
