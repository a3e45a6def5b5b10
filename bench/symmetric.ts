/**
 * Symmetric primitive throughput: AES-256-GCM encrypt for 64 B (per-request KMIP Encrypt) and
 * 1 MiB payloads, XChaCha20-Poly1305 and ChaCha20-Poly1305 for 1 MiB, with the raw node:crypto
 * call beside our wrapper to show its overhead. Run: `npx bun bench/symmetric.ts` (or node via a TS loader).
 */
import { createCipheriv } from "node:crypto";
import * as aesGcm from "../src/crypto/aes-gcm.ts";
import * as chacha from "../src/crypto/chacha20-poly1305.ts";
import * as xchacha from "../src/crypto/xchacha20-poly1305.ts";
import { randomBytes } from "../src/crypto/random.ts";

interface Result {
  name: string;
  bytes: number;
  opsPerSec: number;
  gbPerSec: number;
}

function measure(name: string, bytes: number, fn: () => unknown, seconds = 1.5): Result {
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 16; i++) fn();
    ops += 16;
    now = performance.now();
  }
  const opsPerSec = ops / ((now - start) / 1000);
  return { name, bytes, opsPerSec, gbPerSec: (opsPerSec * bytes) / 1e9 };
}

const key = randomBytes(32);
const nonce = randomBytes(12);
const xnonce = randomBytes(24);
const aad = randomBytes(16);
const small = randomBytes(64);
const big = randomBytes(1 << 20);

function rawGcm(pt: Uint8Array) {
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(aad);
  const ct = c.update(pt);
  c.final();
  return [ct, c.getAuthTag()];
}

const results = [
  measure("raw node:crypto AES-256-GCM, 64 B", 64, () => rawGcm(small)),
  measure("aesGcm.encrypt AES-256-GCM, 64 B", 64, () => aesGcm.encrypt(key, nonce, small, aad)),
  measure("raw node:crypto AES-256-GCM, 1 MiB", big.length, () => rawGcm(big)),
  measure("aesGcm.encrypt AES-256-GCM, 1 MiB", big.length, () => aesGcm.encrypt(key, nonce, big, aad)),
  measure("chacha20Poly1305.encrypt, 1 MiB", big.length, () => chacha.encrypt(key, nonce, big, aad)),
  measure("xchacha20Poly1305.encrypt, 1 MiB", big.length, () => xchacha.encrypt(key, xnonce, big, aad)),
];

const runtime =
  typeof (globalThis as { Bun?: { version: string } }).Bun !== "undefined"
    ? `bun ${(globalThis as unknown as { Bun: { version: string } }).Bun.version}`
    : `node ${process.version}`;
console.log(`symmetric primitives on ${runtime}\n`);
console.log("case".padEnd(40), "ops/s".padStart(12), "GB/s".padStart(8), "µs/op".padStart(10));
for (const r of results) {
  console.log(
    r.name.padEnd(40),
    r.opsPerSec.toFixed(0).padStart(12),
    r.gbPerSec.toFixed(3).padStart(8),
    (1e6 / r.opsPerSec).toFixed(2).padStart(10),
  );
}
const by = (n: string) => results.find((r) => r.name === n)!;
console.log("\nratios");
console.log(
  `  wrapper / raw, 64 B      : ${(by("aesGcm.encrypt AES-256-GCM, 64 B").opsPerSec / by("raw node:crypto AES-256-GCM, 64 B").opsPerSec).toFixed(2)}x`,
);
console.log(
  `  wrapper / raw, 1 MiB     : ${(by("aesGcm.encrypt AES-256-GCM, 1 MiB").opsPerSec / by("raw node:crypto AES-256-GCM, 1 MiB").opsPerSec).toFixed(2)}x`,
);
console.log(
  `  XChaCha20 / AES-GCM 1 MiB: ${(by("xchacha20Poly1305.encrypt, 1 MiB").gbPerSec / by("aesGcm.encrypt AES-256-GCM, 1 MiB").gbPerSec).toFixed(2)}x`,
);
console.log(
  `  ChaCha20 / AES-GCM 1 MiB : ${(by("chacha20Poly1305.encrypt, 1 MiB").gbPerSec / by("aesGcm.encrypt AES-256-GCM, 1 MiB").gbPerSec).toFixed(2)}x`,
);
