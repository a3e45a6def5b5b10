/**
 * `npm run bench`: every benchmark, one after the other, side by side with its baseline.
 *   npm run bench            all
 *   npm run bench -- http    only bench/http.ts, the executable under wrk, which writes
 *                            bench/RESULTS.md (also: server, fpe, covercrypt, symmetric)
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const all = ["http", "covercrypt", "symmetric", "fpe", "server"];
const chosen = process.argv.slice(2).filter((a) => all.includes(a));
for (const name of chosen.length ? chosen : all) {
  console.log(`\n=== bench/${name}.ts`);
  const r = spawnSync(process.execPath, [path.join(import.meta.dir, `${name}.ts`)], { stdio: "inherit" });
  if (r.status !== 0) process.exitCode = 1;
}
