/**
 * CoverCrypt v14 decapsulation (core/primitives.rs `decaps`). Spec: covercrypt-v14.md §5.
 *
 * Q = a·c1 + b·c2 (= r·s·G); for each user subkey x, in BFS order, the mask SHAKE256(x·Q) is
 * computed once (lazily) and tried against every entry; the first tag match wins (every match
 * yields the same key).
 *
 * Two paths give the same bytes:
 *  - libsodium (sodium-group.ts): the first subkey's point x1·Q = (x1·a)·c1 + (x1·b)·c2 costs two
 *    native multiplications and an addition; each further subkey x costs one, (x/x1)·(x1·Q).
 *  - @noble (fallback, or where libsodium refuses an input such as the identity): a shared
 *    doubling chain for Q, then a ladder per subkey.
 */
import { equalBytes } from "../bytes.ts";
import { CoverCryptError } from "./errors.ts";
import { edwardsToRistretto, quadrupledEdwards } from "./field25519.ts";
import { bytesToScalar, doubleMul, L, mul, Point } from "./group.ts";
import { ciphertextPoint, shake256, tagAndKey, xor32, type Encapsulation } from "./kem-common.ts";
import * as kyber from "./kyber.ts";
import type { SecretSubkey, UserSecretKey } from "./serialize.ts";
import * as sodiumGroup from "./sodium-group.ts";

/** BFS over the user's chains: the newest subkey of every partition first, then older ones. */
function bfs(usk: UserSecretKey): SecretSubkey[] {
  const out: SecretSubkey[] = [];
  const depth = Math.max(0, ...usk.subkeys.map((c) => c.chain.length));
  for (let d = 0; d < depth; d++) for (const c of usk.subkeys) if (d < c.chain.length) out.push(c.chain[d]);
  return out;
}

/** Tries the mask SHAKE256(shared) of subkey `sk` against every entry; the key on a tag match. */
function tryMask(shared: Uint8Array, sk: SecretSubkey, enc: Encapsulation): Uint8Array | undefined {
  const mask = shake256(shared, 32);
  shared.fill(0);
  try {
    for (const E of enc.encs) {
      let e: Uint8Array;
      if (E.hybrid) {
        if (!sk.kyberSk) continue; // a classic subkey cannot open a hybrid entry
        e = kyber.decrypt(sk.kyberSk, E.ciphertext);
      } else e = E.e;
      const seed = xor32(mask, e);
      if (E.hybrid) e.fill(0);
      const { tag, key } = tagAndKey(seed);
      seed.fill(0);
      if (equalBytes(tag, enc.tag)) return key;
      key.fill(0);
    }
    return undefined;
  } finally {
    mask.fill(0);
  }
}

const insufficient = () => new CoverCryptError("InsufficientAccessPolicy");

/** Inverse mod ℓ by Fermat: a fixed exponent, so the operation sequence does not depend on x. */
const invertScalar = (x: bigint): bigint => Point.Fn.pow(x, L - 2n);

/** The libsodium path; undefined when libsodium refuses an input (the caller then uses @noble). */
function decapsNative(usk: UserSecretKey, enc: Encapsulation): Uint8Array | undefined {
  const [c1, c2] = quadrupledEdwards([ciphertextPoint(enc.c1), ciphertextPoint(enc.c2)]);
  const a = (bytesToScalar(usk.a) * sodiumGroup.INV4) % L;
  const b = (bytesToScalar(usk.b) * sodiumGroup.INV4) % L;
  let first: Uint8Array | undefined; // x1·Q, torsion-free
  let x1 = 0n;
  let firstInv: bigint | undefined; // 1/x1, computed once a second subkey is needed
  try {
    for (const sk of bfs(usk)) {
      const x = bytesToScalar(sk.x);
      let shared: Uint8Array | undefined;
      if (!first) {
        const p1 = sodiumGroup.mulEd((x * a) % L, c1);
        const p2 = p1 && sodiumGroup.mulEd((x * b) % L, c2);
        shared = p2 && sodiumGroup.addEd(p1!, p2);
        p1?.fill(0);
        p2?.fill(0);
        if (!shared) return undefined;
        first = shared.slice();
        x1 = x;
      } else {
        firstInv ??= invertScalar(x1);
        shared = sodiumGroup.mulEd((x * firstInv) % L, first);
        if (!shared) return undefined;
      }
      const encoded = edwardsToRistretto(shared);
      shared.fill(0);
      const key = tryMask(encoded, sk, enc);
      if (key) return key;
    }
  } finally {
    first?.fill(0);
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
    const key = tryMask(mul(Q, bytesToScalar(sk.x)).toBytes(), sk, enc);
    if (key) return key;
  }
  throw insufficient();
}

/** Recovers the encapsulated key, or throws InsufficientAccessPolicy. */
export function decaps(usk: UserSecretKey, enc: Encapsulation): Uint8Array {
  if (sodiumGroup.isEnabled()) {
    const key = decapsNative(usk, enc);
    if (key) return key;
  }
  return decapsNoble(usk, enc);
}
