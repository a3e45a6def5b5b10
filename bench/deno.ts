/**
 * Bun vs Deno in one run (`npm run bench:deno`): the same server (src/cli/main.ts) started once on
 * each runtime, then KMIP Encrypt (AES-256-GCM, 64-byte data, keep-alive connections) from this
 * process, alternating runtimes so a busy machine weighs on both alike. Short by default.
 *
 *   bun bench/deno.ts [--seconds 5] [--connections 16] [--rounds 2]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "../src/crypto/random.ts";
import { DENO_RUN_FLAGS, denoPermissions } from "../scripts/deno-permissions.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg("seconds", 5);
const CONNECTIONS = arg("connections", 16);
const ROUNDS = arg("rounds", 2);
const root = path.resolve(import.meta.dirname, "..");

function start(cmd: string, args: string[]): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(cmd, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stderr!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"listening","url":"([^"]+)"/.exec(out);
      if (m) resolve({ child, url: m[1], log: () => out });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function load(url: string, body: string, seconds: number): Promise<{ rps: number; errors: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0,
    errors = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      await res.arrayBuffer();
      if (res.status === 200) done++;
      else errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { rps: done / ((performance.now() - t0) / 1000), errors };
}

async function encryptBody(url: string): Promise<string> {
  const create = await fetch(`${url}/kmip/2_1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      tag: "Create",
      type: "Structure",
      value: [
        { tag: "ObjectType", type: "Enumeration", value: "SymmetricKey" },
        {
          tag: "Attributes",
          type: "Structure",
          value: [
            { tag: "CryptographicAlgorithm", type: "Enumeration", value: "AES" },
            { tag: "CryptographicLength", type: "Integer", value: 256 },
          ],
        },
      ],
    }),
  });
  const uid = /"UniqueIdentifier","type":"TextString","value":"([^"]+)"/.exec(JSON.stringify(await create.json()))![1];
  return JSON.stringify({
    tag: "Encrypt",
    type: "Structure",
    value: [
      { tag: "UniqueIdentifier", type: "TextString", value: uid },
      { tag: "Data", type: "ByteString", value: Buffer.from(randomBytes(64)).toString("hex") },
    ],
  });
}

const dirs = [
  mkdtempSync(path.join(tmpdir(), "kms-bench-bun-")),
  realpathSync(mkdtempSync(path.join(tmpdir(), "kms-bench-deno-"))),
];
const bun = process.versions.bun ? process.execPath : path.join(root, "node_modules/.bin/bun");
const deno = path.join(root, "node_modules/.bin/deno");
const serverArgs = (dir: string) => ["--port", "0", "--data-dir", dir, "--log-level", "info"];
const servers = {
  Bun: await start(bun, ["src/cli/main.ts", ...serverArgs(dirs[0])]),
  Deno: await start(deno, [
    "run",
    ...DENO_RUN_FLAGS,
    ...denoPermissions({
      read: [root, realpathSync(path.join(root, "node_modules")), dirs[1]],
      write: [dirs[1]],
      net: "127.0.0.1",
    }),
    "src/cli/main.ts",
    ...serverArgs(dirs[1]),
  ]),
};
try {
  const bodies = { Bun: await encryptBody(servers.Bun.url), Deno: await encryptBody(servers.Deno.url) };
  for (const name of ["Bun", "Deno"] as const) await load(`${servers[name].url}/kmip/2_1`, bodies[name], 1); // warm-up
  const results: Record<"Bun" | "Deno", { rps: number; errors: number }[]> = { Bun: [], Deno: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const name of ["Bun", "Deno"] as const)
      results[name].push(await load(`${servers[name].url}/kmip/2_1`, bodies[name], SECONDS));
  const version = (name: "Bun" | "Deno") => /"runtime":"([^"]+)"/.exec(servers[name].log())?.[1] ?? name;
  const best = (name: "Bun" | "Deno") => Math.max(...results[name].map((x) => x.rps));
  const errors = (name: "Bun" | "Deno") => results[name].reduce((n, x) => n + x.errors, 0);
  console.log(
    [
      `machine: ${navigator.hardwareConcurrency} cores; ${ROUNDS} rounds of ${SECONDS}s per runtime, alternating; ${CONNECTIONS} keep-alive connections; load from ${process.versions.bun ? "Bun" : "Node"}`,
      ...(["Bun", "Deno"] as const).map(
        (n) =>
          `KMIP Encrypt AES-256-GCM 64 B on ${version(n).padEnd(11)} ${best(n).toFixed(0).padStart(7)} req/s best (${results[n].map((x) => x.rps.toFixed(0)).join(", ")}; errors ${errors(n)})`,
      ),
      `Deno / Bun: ${((best("Deno") / best("Bun")) * 100).toFixed(0)} %`,
    ].join("\n"),
  );
} finally {
  for (const s of Object.values(servers)) s.child.kill("SIGTERM");
  setTimeout(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 1000);
}
