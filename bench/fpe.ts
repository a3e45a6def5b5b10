/**
 * FPE benchmark: src/crypto/ff1 (TypeScript on node:crypto AES) against cloudproof_js 10.0.1
 * `Fpe()` (Rust cosmian_fpe compiled to WASM), same keys and inputs, in one run.
 * Run: npx bun bench/fpe.ts
 *
 * Cases: a 16-digit card number (numeric) and a 32-character alpha_numeric string, 8-byte tweak.
 * cloudproof's API is async, so its calls are awaited; ours are synchronous.
 */
import { Fpe } from "cloudproof_js";
import { preset } from "../src/crypto/ff1/alphabet.ts";
import { Ff1 } from "../src/crypto/ff1/ff1.ts";
import * as text from "../src/crypto/ff1/text.ts";
import { randomBytes } from "../src/crypto/random.ts";

const DURATION_MS = Number(process.env.BENCH_MS ?? 2100); // per line, split in SLICES alternating slices
const INPUTS = 512;
const SLICES = 7;

/** ops/s of fn over `ms`; results that are promises (cloudproof's async API) are awaited, others are not. */
async function slice(fn: (i: number) => unknown, ms: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let k = 0; k < 50; k++) {
      const r = fn(ops++ % INPUTS);
      if (r instanceof Promise) await r;
    }
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];

/** Alternates short slices of each function (so machine noise hits both alike); medians of ops/s. */
async function measure(...fns: ((i: number) => unknown)[]): Promise<number[]> {
  for (const fn of fns) await slice(fn, 200); // warm-up (JIT, WASM tier-up)
  const samples: number[][] = fns.map(() => []);
  for (let round = 0; round < SLICES; round++) {
    for (let f = 0; f < fns.length; f++) samples[f].push(await slice(fns[f], DURATION_MS / SLICES));
  }
  return samples.map(median);
}

function randomString(chars: string, length: number): string {
  const bytes = randomBytes(length);
  let s = "";
  for (let i = 0; i < length; i++) s += chars[bytes[i] % chars.length];
  return s;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US").padStart(10);

async function main(): Promise<void> {
  const fpe = await Fpe();
  const key = randomBytes(32);
  const tweak = randomBytes(8);
  const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.version}`;
  console.log(
    `FPE (FF1, 18 rounds, AES-256) - ${runtime} - median of ${SLICES} alternating slices, ${DURATION_MS} ms per side\n`,
  );
  console.log(`${"case".padEnd(36)} ${"ours ops/s".padStart(10)} ${"WASM ops/s".padStart(10)}  ratio`);

  const cases = [
    { name: "card number, 16 digits (numeric)", alphabet: "numeric", length: 16 },
    { name: "32 chars (alpha_numeric)", alphabet: "alpha_numeric", length: 32 },
  ];
  const ratios: number[] = [];
  for (const c of cases) {
    const chars = preset(c.alphabet).toString();
    const plain = Array.from({ length: INPUTS }, () => randomString(chars, c.length));
    const cipher = plain.map((p) => text.encrypt(key, tweak, p, c.alphabet));
    // Sanity: both sides agree before timing anything.
    for (let i = 0; i < 20; i++) {
      if ((await fpe.encrypt(key, tweak, plain[i], { alphabet: c.alphabet })) !== cipher[i]) {
        throw new Error(`ciphertext mismatch with cloudproof_js on ${c.name}`);
      }
    }
    for (const dir of ["encrypt", "decrypt"] as const) {
      const input = dir === "encrypt" ? plain : cipher;
      const [ours, wasm] = await measure(
        (i) => text[dir](key, tweak, input[i], c.alphabet),
        (i) => fpe[dir](key, tweak, input[i], { alphabet: c.alphabet }),
      );
      ratios.push(ours / wasm);
      console.log(`${`${dir} ${c.name}`.padEnd(36)} ${fmt(ours)} ${fmt(wasm)}  ${(ours / wasm).toFixed(2)}x`);
    }
  }

  // The FF1 core alone with a reused instance (key schedule kept), for reference.
  const ff1 = new Ff1(key, 10);
  const digits = Array.from({ length: INPUTS }, () => Array.from(randomBytes(16), (b) => b % 10));
  const [core] = await measure((i) => ff1.encrypt(tweak, digits[i]));
  console.log(`${"FF1 core, 16 digits, reused Ff1".padEnd(36)} ${fmt(core)}`);
  console.log(`\nminimum ratio ours/WASM: ${Math.min(...ratios).toFixed(2)}x (target >= 1.5x)`);
}

await main();
