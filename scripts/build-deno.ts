/**
 * `npm run build:deno`: dist/kms-deno, the same server and commands as dist/kms, compiled by
 * `deno compile` (options as dist/kms: `kms-deno --port 9998 --data-dir /var/lib/kms ...`).
 *
 * The permissions are fixed at compile time, when the data folder and port are not known: the
 * executable may read and write files and bind addresses as the operating system lets its user
 * (confine it with the systemd unit, deploy/kms-deno.service), and has no env beyond KMS_* and the
 * few Elysia reads, no subprocesses and no sys access. For the narrowest permissions, run the
 * sources with `deno run` and the flags of docs/deno.md instead.
 *
 * deno compile needs `denort` (Deno's runtime without its CLI) of the same version: Deno
 * downloads it from its release server, or takes DENORT_BIN. Exits 2 with one line saying so when
 * neither works (a machine that reaches only the npm registry has no denort).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { DENO_ENV } from "./deno-permissions.ts";

const root = path.resolve(import.meta.dirname, "..");
const outfile = path.resolve(process.argv[2] ?? path.join(root, "dist/kms-deno"));
const deno = path.join(root, "node_modules/.bin/deno");
if (!existsSync(deno)) {
  console.error(`build:deno: ${deno} is missing: npm ci installs Deno (the deno devDependency)`);
  process.exit(1);
}
mkdirSync(path.dirname(outfile), { recursive: true });
// Only what the server loads at run time is embedded: not the test, build and CLI tool packages.
const EXCLUDED = [
  "bun",
  "@oven",
  "deno",
  "@deno",
  "typescript",
  "@typescript",
  "vitest",
  "@vitest",
  "vite",
  "esbuild",
  "@esbuild",
  "rollup",
  "@rollup",
  "cloudproof_js",
  "cloudproof_kms_js",
  "@types",
  "bun-types",
  "@rolldown",
  "lightningcss-linux-x64-gnu",
  "@typescript",
];
const args = [
  "compile",
  "--no-check",
  "--node-modules-dir=manual",
  "--unstable-no-legacy-abort",
  "--allow-read",
  "--allow-write",
  "--allow-net",
  `--allow-env=${DENO_ENV}`,
  "--allow-ffi",
  // The heavy-work pool's worker is loaded by URL at run time (src/operations/common/heavy.ts).
  "--include",
  path.join(root, "src/operations/common/heavy-worker.ts"),
  ...EXCLUDED.flatMap((p) => ["--exclude", path.join(realpathSync(path.join(root, "node_modules")), p)]),
  "--output",
  outfile,
  path.join(root, "src/cli/main.ts"),
];
const r = spawnSync(deno, args, { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const embedded = /^Files: (.*)$/m.exec(r.stdout + r.stderr)?.[1];
if (r.status !== 0) {
  const why = /denort|dl\.deno\.land|dns error|Setting up base binary/i.test(r.stderr)
    ? "deno compile could not get denort (Deno's runtime without the CLI), which it downloads from Deno's release server: set DENORT_BIN to a denort binary of the same Deno version"
    : r.stderr.trim();
  console.error(`build:deno: ${why}`);
  process.exit(/denort|dl\.deno\.land|dns error|Setting up base binary/i.test(r.stderr) ? 2 : 1);
}
console.log(`built ${path.relative(process.cwd(), outfile)}${embedded ? ` (embedded files: ${embedded})` : ""}`);
