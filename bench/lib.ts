/**
 * What the benchmarks that drive the built executable under wrk share (bench/http.ts,
 * bench/scale.ts): set-up (wrk, dist/kms), KMIP request builders in JSON and binary TTLV, servers
 * started and stopped, wrk runs (median of several), the objects created in bulk, and the sections
 * of bench/RESULTS.md each script owns.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeNode, encodeNode, type TtlvNode } from "../src/kmip/ttlv.ts";
import { decodeTtlvBinary, encodeTtlvBinary } from "../src/kmip/ttlv-binary.ts";

export const root = path.resolve(import.meta.dir, "..");
export const MiB = 1024 * 1024;

/** `--name value` from the command line, as a number. */
export const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
/** `--name value` from the command line, as text. */
export const argText = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};

/** With at least 2 cores, servers run on core 0 and wrk on core 1 (taskset), so runs are comparable. */
export const PINNED = cpus().length >= 2;
export const pin = (core: number, cmd: string[]): string[] => (PINNED ? ["taskset", "-c", String(core), ...cmd] : cmd);

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---------------------------------------------------------------- set-up: wrk, executable
export function ensureWrk(): void {
  if (spawnSync("wrk", ["-v"]).error === undefined) return;
  console.log("installing wrk (apt-get install -y wrk)");
  const r = spawnSync("sh", ["-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], {
    stdio: "inherit",
  });
  if (r.status !== 0) throw new Error("wrk is required: apt-get install -y wrk");
}

/** dist/kms, built first when missing or when `--build` is on the command line. */
export function ensureExecutable(): string {
  const exe = path.join(root, "dist/kms");
  if (!existsSync(exe) || process.argv.includes("--build")) {
    const r = spawnSync(process.execPath, [path.join(root, "scripts/build.ts")], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm run build failed");
  }
  return exe;
}

export function machineInfo() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(", "),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    bun: Bun.version,
  };
}

// ---------------------------------------------------------------- KMIP requests
export type Node = { tag: string; type?: string; value: unknown };
export const t = {
  s: (tag: string, ...value: Node[]): Node => ({ tag, type: "Structure", value }),
  text: (tag: string, value: string): Node => ({ tag, type: "TextString", value }),
  int: (tag: string, value: number): Node => ({ tag, type: "Integer", value }),
  e: (tag: string, value: string | number): Node => ({ tag, type: "Enumeration", value }),
  b: (tag: string, hex: string): Node => ({ tag, type: "ByteString", value: hex }),
};
export const hex = (s: string | Uint8Array): string => Buffer.from(s).toString("hex");
export const find = (node: Node | undefined, tag: string): Node | undefined => {
  if (!node) return undefined;
  if (node.tag === tag) return node;
  if (Array.isArray(node.value))
    for (const c of node.value as Node[]) {
      const f = find(c, tag);
      if (f) return f;
    }
  return undefined;
};
export const valueOf = (node: Node | undefined, tag: string): string => find(node, tag)?.value as string;

/** A binary RequestMessage (KMIP 2.1) with one batch item per operation node. */
export const binaryRequest = (...ops: Node[]): Uint8Array => binaryBatch(ops);

/**
 * A binary RequestMessage with one batch item per operation node and, when given, a
 * BatchErrorContinuationOption (none: the server's default, Continue).
 */
export function binaryBatch(ops: Node[], continuation?: "Continue" | "Stop" | "Undo"): Uint8Array {
  const node = t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      ...(continuation ? [t.e("BatchErrorContinuationOption", continuation)] : []),
      t.int("BatchCount", ops.length),
    ),
    ...ops.map((op) => t.s("BatchItem", t.e("Operation", op.tag), t.s("RequestPayload", ...(op.value as Node[])))),
  );
  return encodeTtlvBinary(decodeNode(node));
}

/** Create of a 256-bit AES key (tagged with `tag` when given). */
export const createAes = (tag?: string): Node =>
  t.s(
    "Create",
    t.e("ObjectType", "SymmetricKey"),
    t.s(
      "Attributes",
      t.e("CryptographicAlgorithm", "AES"),
      t.int("CryptographicLength", 256),
      ...(tag === undefined ? [] : [tagAttribute(tag)]),
    ),
  );

/** The Cosmian tag attribute (a vendor attribute holding a JSON list of tags). */
export const tagAttribute = (tag: string): Node =>
  t.s(
    "VendorAttributes",
    t.s(
      "VendorAttributes",
      t.text("VendorIdentification", "cosmian"),
      t.text("AttributeName", "tag"),
      t.b("AttributeValue", hex(JSON.stringify([tag]))),
    ),
  );

// ---------------------------------------------------------------- servers
export interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts `cmd` and resolves once it logs its `"url"` on `urlFrom`. */
export function startProcess(cmd: string[], urlFrom: "stdout" | "stderr"): Promise<Server> {
  const child = spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${cmd.join(" ")} did not start: ${out}`)), 30_000);
    child[urlFrom]!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1].replace("0.0.0.0", "127.0.0.1") });
      }
    });
    child.on("exit", (c) => reject(new Error(`${cmd.join(" ")} exited ${c}: ${out}`)));
  });
}

export const stop = (s: Server): Promise<void> =>
  new Promise<void>((r) => {
    s.child.once("exit", () => r());
    s.child.kill("SIGTERM");
  });

/** A `/proc/PID/status` field in bytes (VmRSS: resident now, VmHWM: peak resident). */
export const procStatus = (pid: number, field: string): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
};

/** The SQLite database's size on disk: kms.db and its write-ahead log. */
export const databaseBytes = (dataDir: string): number =>
  ["kms.db", "kms.db-wal"]
    .map((f) => path.join(dataDir, f))
    .filter(existsSync)
    .reduce((n, f) => n + statSync(f).size, 0);

export async function post(
  url: string,
  body: Node | Uint8Array,
): Promise<{ status: number; node?: Node; text: string }> {
  const binary = body instanceof Uint8Array;
  const res = await fetch(url + "/kmip/2_1", {
    method: "POST",
    headers: { "content-type": binary ? "application/octet-stream" : "application/json" },
    body: binary ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  });
  if (binary) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    try {
      return { status: res.status, node: encodeNode(decodeTtlvBinary(bytes) as TtlvNode) as Node, text: "" };
    } catch {
      return { status: res.status, text: Buffer.from(bytes).toString() };
    }
  }
  const text = await res.text();
  try {
    return { status: res.status, node: JSON.parse(text), text };
  } catch {
    return { status: res.status, text };
  }
}

export async function ok(url: string, body: Node): Promise<Node> {
  const r = await post(url, body);
  if (r.status !== 200) throw new Error(`${body.tag}: ${r.status} ${r.text.slice(0, 300)}`);
  return r.node!;
}

/** Spawn of the executable (pinned to core 0) to its first answered Query: the median of `tries`. */
export async function startupMs(exe: string, work: string, tries: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < tries; i++) {
    const dir = mkdtempSync(path.join(work, "start-"));
    const t0 = performance.now();
    const s = await startProcess(pin(0, [exe, "--port", "0", "--data-dir", dir]), "stderr");
    const res = await fetch(s.url + "/kmip/2_1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(t.s("Query")),
    });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    await stop(s);
  }
  return median(times);
}

// ---------------------------------------------------------------- bulk creation
export interface BulkOptions {
  /** Create items per binary RequestMessage. */
  batch: number;
  /** Requests in flight at once. */
  inFlight: number;
  /** BatchErrorContinuationOption of each request (none: the server's default, Continue). */
  continuation?: "Continue" | "Undo";
}

/**
 * Creates AES keys tagged `bulk-<i>` for i in [from, to) through batched binary requests; each
 * answer is checked (every item a success). Resolves to the seconds it took.
 */
export async function createTaggedKeys(url: string, from: number, to: number, o: BulkOptions): Promise<number> {
  const t0 = performance.now();
  let next = from;
  const sender = async () => {
    while (next < to) {
      const start = next;
      const end = Math.min(to, start + o.batch);
      next = end;
      const ops = Array.from({ length: end - start }, (_, j) => createAes(`bulk-${start + j}`));
      const r = await post(url, binaryBatch(ops, o.continuation));
      const failed = r.status !== 200 || !r.node || JSON.stringify(r.node).includes("OperationFailed");
      if (failed) throw new Error(`bulk create failed: ${r.status} ${r.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, sender));
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------- wrk
export interface WrkOptions {
  seconds: number;
  runs: number;
  connections: number;
  /** A scratch folder for the Lua script and the request bodies. */
  work: string;
}
export interface WrkResult {
  rps: number;
  p50ms: number;
  non2xx: number;
}

function wrkOnce(o: WrkOptions, url: string, bodyFile: string, contentType: string): WrkResult {
  const lua = path.join(o.work, "post.lua");
  writeFileSync(
    lua,
    `local f = assert(io.open(${JSON.stringify(bodyFile)}, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "${contentType}"
non2xx = 0
function response(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end
`,
  );
  const [cmd, ...args] = pin(1, ["wrk", "-t2", `-c${o.connections}`, `-d${o.seconds}s`, "--latency", "-s", lua, url]);
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(r.stdout);
  const p50ms = p50 ? Number(p50[1]) * (p50[2] === "us" ? 0.001 : p50[2] === "s" ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps, p50ms, non2xx };
}

let bodyId = 0;
/** `o.runs` wrk runs of one prebuilt body: the median req/s and p50, the most non-200 answers of a run. */
export function wrkMedian(
  o: WrkOptions,
  url: string,
  body: string | Uint8Array,
  contentType: string,
  route = "/kmip/2_1",
): WrkResult {
  const file = path.join(o.work, `body-${bodyId++}`);
  writeFileSync(file, body);
  const runs = Array.from({ length: o.runs }, () => wrkOnce(o, url + route, file, contentType));
  return {
    rps: median(runs.map((r) => r.rps)),
    p50ms: median(runs.map((r) => r.p50ms)),
    non2xx: Math.max(...runs.map((r) => r.non2xx)),
  };
}

// ---------------------------------------------------------------- bench/RESULTS.md
export const RESULTS_FILE = path.join(root, "bench/RESULTS.md");

/**
 * bench/RESULTS.md is written by several scripts: bench/http.ts writes the file, and a script that
 * measures something else owns one section between `<!-- name -->` and `<!-- /name -->`.
 * `withSection` puts (or replaces) that section in `text`; `sectionOf` reads it back, so that a
 * script rewriting the file keeps the sections it does not own.
 */
export function sectionOf(text: string, name: string): string | undefined {
  const m = new RegExp(`<!-- ${name} -->[\\s\\S]*?<!-- /${name} -->\\n?`).exec(text);
  return m?.[0];
}

export function withSection(text: string, name: string, body: string): string {
  const block = `<!-- ${name} -->\n${body.trimEnd()}\n<!-- /${name} -->\n`;
  const old = sectionOf(text, name);
  if (old) return text.replace(old, () => block);
  return `${text.trimEnd()}\n\n${block}`;
}

export const readResults = (): string => (existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "");
