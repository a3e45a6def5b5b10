/**
 * CoverCrypt v14 decapsulation (core/primitives.rs `decaps`). Format: docs/covercrypt-format.md, "Ciphertext".
 *
 * Q = a·c1 + b·c2 (= r·s·G); for each user subkey x, in BFS order, the mask SHAKE256(x·Q) is
 * computed once (lazily) and tried against every entry; the first tag match wins (every match
 * yields the same key).
 *
 * Three paths give the same bytes, tried in this order:
 *  - the ristretto255 addon (native-group.ts): x1·Q = (x1·a)·c1 + (x1·b)·c2 in one native call (two
 *    constant-time multiplications, scalar products computed natively), then (x·x1⁻¹)·(x1·Q) per
 *    further subkey;
 *  - libsodium through sodium-native (sodium-group.ts): the first subkey's point x1·Q = (x1·a)·c1 + (x1·b)·c2 costs two
 *    native Edwards multiplications and an addition; each further subkey x costs one X25519,
 *    u((x/x1)·(x1·Q)), which loses the sign: both candidates ±x·Q are tried against the tags.
 *  - @noble (fallback, or where libsodium refuses an input such as the identity): a shared
 *    doubling chain for Q, then a ladder per subkey.
 */
import { equalBytes } from "../bytes.ts";
import { CoverCryptError } from "./errors.ts";
import {
  edwardsToMontgomery,
  edwardsToRistretto,
  quadrupledEdwards,
  ristrettoPairFromMontgomery,
} from "./field25519.ts";
import { bytesToScalar, doubleMul, L, mul, Point } from "./group.ts";
import { ciphertextPoint, shake256, tagAndKey, xor32, type Encapsulation } from "./kem-common.ts";
import * as kyber from "./kyber.ts";
import type { SecretSubkey, UserSecretKey } from "./serialize.ts";
import * as nativeGroup from "./native-group.ts";
import * as sodiumGroup from "./sodium-group.ts";

/** BFS over the user's chains: the newest subkey of every partition first, then older ones. */
function bfs(usk: UserSecretKey): SecretSubkey[] {
  const out: SecretSubkey[] = [];
  const depth = Math.max(0, ...usk.subkeys.map((c) => c.chain.length));
  for (let d = 0; d < depth; d++) for (const c of usk.subkeys) if (d < c.chain.length) out.push(c.chain[d]);
  return out;
}

/**
 * Tries the masks SHAKE256(shared) of subkey `sk` against every entry; the key on a tag match.
 * `shared` holds one point encoding, or the two candidates ±R of the X25519 path (the wrong one
 * fails every tag, as any wrong subkey does).
 */
function tryMasks(shared: Uint8Array[], sk: SecretSubkey, enc: Encapsulation): Uint8Array | undefined {
  const masks = shared.map((p) => shake256(p, 32));
  for (const p of shared) p.fill(0);
  try {
    for (const E of enc.encs) {
      let e: Uint8Array;
      if (E.hybrid) {
        if (!sk.kyberSk) continue; // a classic subkey cannot open a hybrid entry
        e = kyber.decrypt(sk.kyberSk, E.ciphertext);
      } else e = E.e;
      try {
        for (const mask of masks) {
          const seed = xor32(mask, e);
          const { tag, key } = tagAndKey(seed);
          seed.fill(0);
          if (equalBytes(tag, enc.tag)) return key;
          key.fill(0);
        }
      } finally {
        if (E.hybrid) e.fill(0);
      }
    }
    return undefined;
  } finally {
    for (const m of masks) m.fill(0);
  }
}

const insufficient = () => new CoverCryptError("InsufficientAccessPolicy");

/** Inverse mod ℓ by Fermat: a fixed exponent, so the operation sequence does not depend on x. */
const invertScalar = (x: bigint): bigint => Point.Fn.pow(x, L - 2n);

/** The addon path; undefined when libsodium refuses an input (the caller then tries the others). */
function decapsAddon(usk: UserSecretKey, enc: Encapsulation): Uint8Array | undefined {
  const r = nativeGroup.native();
  if (!r) return undefined;
  let first: Uint8Array | undefined; // x1·Q
  let x1: Uint8Array | undefined;
  let inv: Uint8Array | undefined; // 1/x1, once a second subkey is needed
  try {
    for (const sk of bfs(usk)) {
      const shared = new Uint8Array(32);
      if (!first) {
        if (!r.mulSum(shared, sk.x, usk.a, enc.c1, usk.b, enc.c2)) return undefined;
        first = shared.slice();
        x1 = sk.x;
      } else {
        if (!inv) {
          inv = new Uint8Array(32);
          if (!r.scalarInvert(inv, x1!)) return undefined;
        }
        if (!r.mulScaled(shared, sk.x, inv, first)) return undefined;
      }
      const key = tryMasks([shared], sk, enc);
      if (key) return key;
    }
  } finally {
    first?.fill(0);
    inv?.fill(0);
  }
  throw insufficient();
}

/** The libsodium path; undefined when libsodium refuses an input (the caller then uses @noble). */
function decapsNative(usk: UserSecretKey, enc: Encapsulation): Uint8Array | undefined {
  const [c1, c2] = quadrupledEdwards([ciphertextPoint(enc.c1), ciphertextPoint(enc.c2)]);
  const a = (bytesToScalar(usk.a) * sodiumGroup.INV4) % L;
  const b = (bytesToScalar(usk.b) * sodiumGroup.INV4) % L;
  let first: Uint8Array | undefined; // x1·Q, torsion-free
  let x1 = 0n;
  let firstInv: bigint | undefined; // 1/x1, once a second subkey is needed
  let firstU: Uint8Array | undefined; // u(x1·Q), for X25519
  try {
    for (const sk of bfs(usk)) {
      const x = bytesToScalar(sk.x);
      let shared: Uint8Array[];
      if (!first) {
        const p1 = sodiumGroup.mulEd((x * a) % L, c1);
        const p2 = p1 && sodiumGroup.mulEd((x * b) % L, c2);
        const sum = p2 && sodiumGroup.addEd(p1!, p2);
        p1?.fill(0);
        p2?.fill(0);
        if (!sum) return undefined;
        first = sum;
        x1 = x;
        shared = [edwardsToRistretto(first)];
      } else {
        firstInv ??= invertScalar(x1);
        firstU ??= edwardsToMontgomery(first);
        const k = (x * firstInv) % L;
        const u = firstU && sodiumGroup.montgomeryMul(k, firstU);
        const pair = u && ristrettoPairFromMontgomery(u);
        u?.fill(0);
        if (pair) shared = pair;
        else {
          // no X25519 scalar fits (probability ~2^-125): the Edwards multiplication
          const e = sodiumGroup.mulEd(k, first);
          if (!e) return undefined;
          shared = [edwardsToRistretto(e)];
          e.fill(0);
        }
      }
      const key = tryMasks(shared, sk, enc);
      if (key) return key;
    }
  } finally {
    first?.fill(0);
    firstU?.fill(0);
  }
  throw insufficient();
}

function decapsNoble(usk: UserSecretKey, enc: Encapsulation): Uint8Array {
  const c1 = Point.fromAffine(ciphertextPoint(enc.c1));
  const c2 = Point.fromAffine(ciphertextPoint(enc.c2));
  const Q: Point = doubleMul(c1, bytesToScalar(usk.a), c2, bytesToScalar(usk.b));
  const order = bfs(usk);
  // Many subkeys share the base Q: a small window table (512 additions, ~0.6 ms) then costs
  // ~64 additions per subkey instead of ~250 doublings.
  // Built lazily once two subkeys have failed, so keys that match early do not pay for it.
  let tried = 0;
  for (const sk of order) {
    if (tried++ === 2 && order.length > 3) Q.precompute(4, false);
    const key = tryMasks([mul(Q, bytesToScalar(sk.x)).toBytes()], sk, enc);
    if (key) return key;
  }
  throw insufficient();
}

/** Recovers the encapsulated key, or throws InsufficientAccessPolicy. */
export function decaps(usk: UserSecretKey, enc: Encapsulation): Uint8Array {
  const key = decapsAddon(usk, enc);
  if (key) return key;
  if (sodiumGroup.isEnabled()) {
    const key = decapsNative(usk, enc);
    if (key) return key;
  }
  return decapsNoble(usk, enc);
}
