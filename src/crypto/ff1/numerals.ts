/**
 * FF1 numeral-string arithmetic (NIST SP 800-38G §4.5: NUM_radix, STR_radix) and the per-(radix, n)
 * constants of Algorithm 7 steps 1-4 (u, v, b, d), shared by ff1.ts.
 * b is computed exactly as ceil(bitlen(radix^v - 1) / 8).
 */

/** radix^v up to this: FF1 rounds run on plain numbers (acc * 2^16 + word stays below 2^53). */
export const SMALL_LIMIT = 2 ** 37;
const TWO_53 = 2 ** 53;

export interface Plan {
  radix: number;
  u: number;
  v: number;
  b: number; // bytes of NUM(B): ceil(bitlen(radix^v - 1) / 8)
  d: number; // bytes of S: 4*ceil(b/4) + 4
  small: boolean; // radix^v <= SMALL_LIMIT
  modU: bigint; // radix^u
  modV: bigint; // radix^v
  modUn: number; // same as numbers, exact only when small
  modVn: number;
  chunk: number; // digits per number-sized chunk in NUM/STR: radix^chunk <= 2^53
  chunkPow: bigint; // radix^chunk
}

function bitLength(x: bigint): number {
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** Plans depend only on (radix, n) and hold no secret; one-shot calls reuse them. */
const plans = new Map<number, Plan>();

export function planFor(radix: number, n: number): Plan {
  const cacheKey = radix * 0x1_0000_0000 + n; // exact: radix <= 2^16, n < 2^32
  let plan = plans.get(cacheKey);
  if (plan) return plan;
  const u = n >>> 1;
  const v = n - u;
  const r = BigInt(radix);
  const modU = r ** BigInt(u);
  const modV = u === v ? modU : modU * r;
  const b = Math.ceil(bitLength(modV - 1n) / 8);
  let chunk = 1;
  let chunkPow = radix;
  while (chunkPow * radix <= TWO_53) {
    chunkPow *= radix;
    chunk++;
  }
  plan = {
    radix,
    u,
    v,
    b,
    d: 4 * Math.ceil(b / 4) + 4,
    small: modV <= BigInt(SMALL_LIMIT),
    modU,
    modV,
    modUn: Number(modU),
    modVn: Number(modV),
    chunk,
    chunkPow: BigInt(chunkPow),
  };
  if (plans.size >= 256) plans.clear(); // bounded
  plans.set(cacheKey, plan);
  return plan;
}

/** NUM_radix(x[start..end)), in chunks of radix^chunk so that most steps are number arithmetic. */
export function numRadix(plan: Plan, x: ArrayLike<number>, start: number, end: number): bigint {
  const radix = plan.radix;
  let acc = 0n;
  for (let j = start; j < end; ) {
    const stop = Math.min(end, j + plan.chunk);
    let chunk = 0;
    let scale = 1;
    for (; j < stop; j++) {
      chunk = chunk * radix + x[j];
      scale *= radix;
    }
    acc = acc * BigInt(scale) + BigInt(chunk);
  }
  return acc;
}

/** STR_radix(value) written into out[start..end), most significant numeral first. */
export function strRadix(plan: Plan, value: bigint, out: Uint16Array, start: number, end: number): void {
  const radix = plan.radix;
  for (let j = end; j > start; ) {
    const stop = Math.max(start, j - plan.chunk);
    let chunk: number;
    if (j - stop === plan.chunk) {
      const q = value / plan.chunkPow;
      chunk = Number(value - q * plan.chunkPow);
      value = q;
    } else {
      chunk = Number(value); // last partial chunk: value < radix^(j - stop) <= 2^53
    }
    for (; j > stop; j--) {
      out[j - 1] = chunk % radix;
      chunk = Math.floor(chunk / radix);
    }
  }
}
