/**
 * `kms sym encrypt|decrypt` of a large file: throughput and the client process's peak RSS.
 * Starts a server in this process (temp data folder), writes a SIZE MiB file (default 1024),
 * runs the client as a subprocess for each direction and checks the round trip.
 * Run: `npx bun bench/cli-file.ts [SIZE_MIB]`.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, mkdtempSync, openSync, rmSync, writeSync, closeSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer } from "../src/server/main.ts";
import { DEFAULTS } from "../src/server/config.ts";
import { silentLogger } from "../src/server/log.ts";

const mib = Number(process.argv[2] ?? 1024);
const work = mkdtempSync(path.join(tmpdir(), "kms-bench-cli-"));
const server = await startServer(
  { ...structuredClone(DEFAULTS), port: 0, dataDir: path.join(work, "data") },
  silentLogger,
);
const main = path.resolve(import.meta.dir, "../src/cli/main.ts");

async function run(args: string[]): Promise<{ seconds: number; maxRssMiB: number; stdout: string }> {
  const start = performance.now();
  const p = Bun.spawn([process.execPath, main, ...args, "--kms-url", server.url, "--quiet"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const code = await p.exited;
  const stdout = await new Response(p.stdout).text();
  if (code !== 0) throw new Error(`kms ${args.join(" ")} failed: ${await new Response(p.stderr).text()}`);
  const usage = p.resourceUsage();
  return { seconds: (performance.now() - start) / 1000, maxRssMiB: Number(usage?.maxRSS ?? 0) / 1024 / 1024, stdout };
}

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) h.update(chunk);
  return h.digest("hex");
}

try {
  const input = path.join(work, "input.bin");
  const fd = openSync(input, "w");
  const block = randomBytes(1 << 20);
  for (let i = 0; i < mib; i++) writeSync(fd, block);
  closeSync(fd);
  const key = /identifier: (\S+)/.exec((await run(["sym", "keys", "create"])).stdout)![1];
  // baseline: the same subprocess doing nothing but start (bun + module loading)
  const idle = await run(["server-version"]);
  const enc = await run(["sym", "encrypt", input, "-k", key, "-o", path.join(work, "input.enc")]);
  const dec = await run(["sym", "decrypt", path.join(work, "input.enc"), "-o", path.join(work, "output.bin")]);
  const same = (await sha256(input)) === (await sha256(path.join(work, "output.bin")));
  const bytes = statSync(input).size;
  const row = (name: string, r: { seconds: number; maxRssMiB: number }) =>
    console.log(
      `${name.padEnd(24)} ${(bytes / 1048576 / r.seconds).toFixed(0).padStart(6)} MiB/s  ${r.seconds.toFixed(2).padStart(7)} s  peak RSS ${r.maxRssMiB.toFixed(0)} MiB`,
    );
  console.log(
    `file: ${mib} MiB, chunk 1 MiB, round trip ${same ? "ok" : "FAILED"}; client start-up alone: ${idle.seconds.toFixed(2)} s, peak RSS ${idle.maxRssMiB.toFixed(0)} MiB`,
  );
  row("sym encrypt", enc);
  row("sym decrypt", dec);
  if (!same) process.exitCode = 1;
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
