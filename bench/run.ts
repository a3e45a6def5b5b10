/**
 * `npm run bench`: every benchmark, one after the other, side by side with its baseline.
 *   npm run bench            all but scale
 *   npm run bench -- http    only bench/http.ts, the executable under wrk, which writes
 *                            bench/RESULTS.md (also: server, fpe, covercrypt, symmetric)
 *   npm run bench -- startup bench/startup.ts: the executable's start-up to its first answer
 *   npm run bench -- scale   bench/scale.ts: 10k, 100k and 1M keys (about 15 minutes; not part of
 *                            "all"); its options follow, e.g. `npm run bench -- scale --max 100000`
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const all = ["http", "covercrypt", "symmetric", "fpe", "server"];
const optIn = ["startup", "scale"];
const args = process.argv.slice(2).map((a) => (a === "--scale" ? "scale" : a));
const chosen = args.filter((a) => all.includes(a) || optIn.includes(a));
// the words after `scale` (options such as --max) go to bench/scale.ts
const scaleOptions = args.includes("scale")
  ? args.slice(args.indexOf("scale") + 1).filter((a) => !chosen.includes(a))
  : [];
for (const name of chosen.length ? chosen : all) {
  console.log(`\n=== bench/${name}.ts`);
  const options = name === "scale" ? scaleOptions : [];
  const r = spawnSync(process.execPath, [path.join(import.meta.dir, `${name}.ts`), ...options], { stdio: "inherit" });
  if (r.status !== 0) process.exitCode = 1;
}
