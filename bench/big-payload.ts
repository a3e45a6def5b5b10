/**
 * Big-payload profiling harness (not a test): starts the server from source, sends Encrypt and
 * Decrypt requests of 1 MiB and 64 MiB (AES-256-GCM and ChaCha20-Poly1305, JSON hex and binary
 * TTLV) one at a time from a fetch client, and prints the plaintext throughput (best of several)
 * and the server's peak RSS (VmHWM; a fresh server per case, so the peak is that case's).
 *
 *   npx bun bench/big-payload.ts [--sizes 1,64] [--runs 5] [--only json|binary] [--cipher aes|chacha]
 *                                [--cpu-prof DIR]   (the server runs under bun --cpu-prof)
 *
 * Every answer is checked: the ciphertext decrypts with node:crypto / sodium-native independently
 * and Decrypt gives the plaintext back byte for byte.
 *
 * The ceiling, measured the same way: a bare Bun server that reads the same request body (as bytes,
 * or as text for JSON, as the KMS must) and sends it back. On a shared machine the ratio to the
 * ceiling and the server's CPU time per request are steadier than the MiB/s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createDecipheriv } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sodium from "sodium-native";
import { decodeNode, encodeNode, type TtlvNode } from "../src/kmip/ttlv.ts";
import { decodeTtlvBinary, encodeTtlvBinary } from "../src/kmip/ttlv-binary.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const MiB = 1024 * 1024;
const SIZES = (arg("sizes") ?? "1,64").split(",").map((s) => Number(s) * MiB);
const RUNS = Number(arg("runs") ?? 0);
const ENCODINGS = arg("only") ? [arg("only") === "binary"] : [false, true];
const CIPHERS = arg("cipher") ? [arg("cipher")!] : ["aes", "chacha"];
const PROFILE_DIR = arg("cpu-prof");
const root = path.resolve(import.meta.dir, "..");

type Node = { tag: string; type?: string; value: unknown };
const t = {
  s: (tag: string, ...value: Node[]): Node => ({ tag, type: "Structure", value }),
  text: (tag: string, value: string): Node => ({ tag, type: "TextString", value }),
  int: (tag: string, value: number): Node => ({ tag, type: "Integer", value }),
  e: (tag: string, value: string): Node => ({ tag, type: "Enumeration", value }),
  b: (tag: string, hex: string): Node => ({ tag, type: "ByteString", value: hex }),
};
const find = (node: Node | undefined, tag: string): Node | undefined => {
  if (!node) return undefined;
  if (node.tag === tag) return node;
  if (Array.isArray(node.value))
    for (const c of node.value as Node[]) {
      const f = find(c, tag);
      if (f) return f;
    }
  return undefined;
};
const bytesOf = (node: Node | undefined, ...tags: string[]): Buffer => {
  for (const tag of tags) {
    const f = find(node, tag);
    if (f) return Buffer.from(f.value as string, "hex");
  }
  throw new Error(`no ${tags.join("/")} in the answer`);
};

function binaryRequest(op: Node): Uint8Array {
  const node = t.s(
    "RequestMessage",
    t.s(
      "RequestHeader",
      t.s("ProtocolVersion", t.int("ProtocolVersionMajor", 2), t.int("ProtocolVersionMinor", 1)),
      t.int("BatchCount", 1),
    ),
    t.s("BatchItem", t.e("Operation", op.tag), t.s("RequestPayload", ...(op.value as Node[]))),
  );
  return encodeTtlvBinary(decodeNode(node));
}

interface Server {
  child: ChildProcess;
  url: string;
  dir: string;
}
const ECHO = `
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", maxRequestBodySize: ${400 * MiB}, async fetch(req) {
  const binary = req.headers.get("content-type") === "application/octet-stream";
  return new Response(binary ? await req.bytes() : await req.text(), { headers: { "content-type": req.headers.get("content-type") } });
} });
console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.port }));`;

function startServer(echo = false): Promise<Server> {
  const dir = mkdtempSync(path.join(tmpdir(), "kms-big-"));
  const prof = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR)}`] : [];
  const args = echo ? ["-e", ECHO] : [...prof, "src/cli/main.ts", "--port", "0", "--data-dir", dir];
  if (!echo) args.push("--max-body-size", String(300 * MiB), "--max-response-size", String(300 * MiB));
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, dir, url: m[1].replace("0.0.0.0", "127.0.0.1") });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (c) => reject(new Error(`the server exited ${c}: ${out}`)));
  });
}
const stop = (s: Server) =>
  new Promise<void>((r) => {
    s.child.once("exit", () => r());
    s.child.kill("SIGINT");
  }).then(() => rmSync(s.dir, { recursive: true, force: true }));
/** CPU time (user + system) the process has used, in ms. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
};
const peakRss = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
};

async function post(url: string, body: string | Uint8Array, binary: boolean, echo = false): Promise<[Node, number]> {
  const t1 = performance.now();
  const res = await fetch(url + "/kmip/2_1", {
    method: "POST",
    headers: { "content-type": binary ? "application/octet-stream" : "application/json" },
    body: body as BodyInit,
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const ms = performance.now() - t1;
  if (res.status !== 200) throw new Error(`${res.status} ${Buffer.from(bytes.subarray(0, 300)).toString()}`);
  if (echo) {
    if (bytes.length !== (typeof body === "string" ? body.length : body.length)) throw new Error("echo: wrong length");
    return [{ tag: "echo", value: [] }, ms];
  }
  const node = binary
    ? (encodeNode(decodeTtlvBinary(bytes, { maxBytes: bytes.length }) as TtlvNode) as Node)
    : (JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString()) as Node);
  const status = find(node, "ResultStatus");
  if (status && status.value !== "Success") throw new Error(`failed: ${JSON.stringify(node).slice(0, 400)}`);
  return [node, ms];
}

/** Best round trip of the same bodies through the bare echo server (MiB/s of plaintext). */
async function echoCase(size: number, binary: boolean, bodies: (string | Uint8Array)[], runs: number) {
  const server = await startServer(true);
  try {
    const best = [];
    for (const body of bodies) {
      let ms = Infinity;
      for (let i = 0; i < runs; i++) ms = Math.min(ms, (await post(server.url, body, binary, true))[1]);
      best.push(size / MiB / (ms / 1000));
    }
    return best;
  } finally {
    await stop(server);
  }
}

interface Result {
  /** the echo server's MiB/s with the Encrypt and Decrypt request bodies */
  echo: number[];
  enc: number;
  dec: number;
  /** server CPU ms per request */
  encCpu: number;
  decCpu: number;
  rss: number;
}

async function runCase(size: number, binary: boolean, cipher: string): Promise<Result> {
  const server = await startServer();
  try {
    const algorithm = cipher === "aes" ? "AES" : "ChaCha20";
    const [created] = await post(
      server.url,
      JSON.stringify(
        t.s(
          "Create",
          t.e("ObjectType", "SymmetricKey"),
          t.s("Attributes", t.e("CryptographicAlgorithm", algorithm), t.int("CryptographicLength", 256)),
        ),
      ),
      false,
    );
    const id = find(created, "UniqueIdentifier")!.value as string;
    const [exported] = await post(
      server.url,
      JSON.stringify(t.s("Get", t.text("UniqueIdentifier", id), t.e("KeyFormatType", "Raw"))),
      false,
    );
    const key = bytesOf(exported, "KeyMaterial");
    const params =
      cipher === "aes"
        ? t.s("CryptographicParameters", t.e("BlockCipherMode", "GCM"))
        : t.s("CryptographicParameters", t.e("CryptographicAlgorithm", "ChaCha20Poly1305"));
    const plaintext = Buffer.alloc(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(plaintext.subarray(i, i + 65536));
    const encNode = t.s("Encrypt", t.text("UniqueIdentifier", id), params, t.b("Data", plaintext.toString("hex")));
    const encBody = binary ? binaryRequest(encNode) : JSON.stringify(encNode);
    const runs = RUNS || (size >= 32 * MiB ? 3 : 30);
    let encMs = Infinity;
    let answer: Node | undefined;
    const pid = server.child.pid!;
    let cpu = cpuMs(pid);
    for (let i = 0; i < runs; i++) {
      const [node, ms] = await post(server.url, encBody, binary);
      encMs = Math.min(encMs, ms);
      answer = node;
    }
    const encCpu = (cpuMs(pid) - cpu) / runs;
    const ct = bytesOf(answer, "Data");
    const nonce = bytesOf(answer, "IvCounterNonce", "IVCounterNonce");
    const tag = bytesOf(answer, "AuthenticatedEncryptionTag");
    if (cipher === "aes") {
      const d = createDecipheriv("aes-256-gcm", key, nonce).setAuthTag(tag);
      if (!Buffer.concat([d.update(ct), d.final()]).equals(plaintext)) throw new Error("AES-GCM: wrong ciphertext");
    } else {
      const out = Buffer.alloc(ct.length);
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, null, ct, tag, null, nonce, key);
      if (!out.equals(plaintext)) throw new Error("ChaCha20-Poly1305: wrong ciphertext");
    }
    const decNode = t.s(
      "Decrypt",
      t.text("UniqueIdentifier", id),
      params,
      t.b("Data", ct.toString("hex")),
      t.b("IvCounterNonce", nonce.toString("hex")),
      t.b("AuthenticatedEncryptionTag", tag.toString("hex")),
    );
    const decBody = binary ? binaryRequest(decNode) : JSON.stringify(decNode);
    let decMs = Infinity;
    cpu = cpuMs(pid);
    for (let i = 0; i < runs; i++) {
      const [node, ms] = await post(server.url, decBody, binary);
      decMs = Math.min(decMs, ms);
      if (i === 0 && !bytesOf(node, "Data").equals(plaintext)) throw new Error("Decrypt: wrong plaintext");
    }
    const decCpu = (cpuMs(pid) - cpu) / runs;
    const rss = peakRss(pid);
    const echo = await echoCase(size, binary, [encBody, decBody], runs);
    return { enc: size / MiB / (encMs / 1000), dec: size / MiB / (decMs / 1000), encCpu, decCpu, rss, echo };
  } finally {
    await stop(server);
  }
}

console.log(`Bun ${Bun.version}; load average ${(await import("node:os")).loadavg().map((l) => l.toFixed(2))}`);
console.log(
  "| payload | cipher | Encrypt MiB/s | Decrypt MiB/s | echo MiB/s (enc, dec bodies) | server CPU ms per Encrypt | per Decrypt | server peak RSS MiB |",
);
console.log("|---|---|---:|---:|---:|---:|---:|---:|");
for (const size of SIZES)
  for (const binary of ENCODINGS)
    for (const cipher of CIPHERS) {
      const r = await runCase(size, binary, cipher);
      console.log(
        `| ${size / MiB} MiB, ${binary ? "binary" : "JSON (hex)"} | ${cipher === "aes" ? "AES-256-GCM" : "ChaCha20-Poly1305"} | ${r.enc.toFixed(0)} | ${r.dec.toFixed(0)} | ${r.echo.map((e) => e.toFixed(0)).join(", ")} | ${r.encCpu.toFixed(1)} | ${r.decCpu.toFixed(1)} | ${(r.rss / MiB).toFixed(0)} |`,
      );
    }
