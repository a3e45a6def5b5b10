/**
 * CoverCrypt v14: ours (src/crypto/covercrypt) vs cloudproof_js 10.0.1 WASM, side by side in one run.
 * Run: npx bun bench/covercrypt.ts. Both get bytes in and give bytes out, exactly as the KMS uses them
 * (ours keeps its caches of parsed policies and prepared public points, as it would in the server).
 * "TS only" turns the native paths off (the ristretto255 addon, native-group.ts, and sodium-native's
 * Ed25519, sodium-group.ts): what runs where neither is there. Build the addon first
 * (bun native/ristretto/build.ts; npm run build does it). Timings are the best of 5 slices, which tames a shared machine's noise.
 */
import { CoverCrypt } from "cloudproof_js";
import * as cc from "../src/crypto/covercrypt/index.ts";
import * as nativeGroup from "../src/crypto/covercrypt/native-group.ts";
import * as sodiumGroup from "../src/crypto/covercrypt/sodium-group.ts";
import { utf8 } from "../src/crypto/bytes.ts";

const C = await CoverCrypt();
const attr = (id: number, hint: string) => `{"id":${id},"encryption_hint":"${hint}","write_status":"EncryptDecrypt"}`;
const POLICIES = {
  classic: `{"version":"V2","last_attribute_value":6,"dimensions":{"Security Level":{"Ordered":{"Low":${attr(1, "Classic")},"Medium":${attr(2, "Classic")},"High":${attr(3, "Classic")}}},"Department":{"Unordered":{"HR":${attr(4, "Classic")},"FIN":${attr(5, "Classic")},"MKG":${attr(6, "Classic")}}}}}`,
  hybrid: `{"version":"V2","last_attribute_value":6,"dimensions":{"Security Level":{"Ordered":{"Low":${attr(1, "Classic")},"Medium":${attr(2, "Classic")},"High":${attr(3, "Hybridized")}}},"Department":{"Unordered":{"HR":${attr(4, "Classic")},"FIN":${attr(5, "Hybridized")},"MKG":${attr(6, "Classic")}}}}}`,
};

function opsPerSec(fn: () => unknown, ms = 700): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up (and our one-time point tables)
  let best = 0;
  for (let slice = 0; slice < 5; slice++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms / 5) {
      fn();
      n++;
    }
    best = Math.max(best, (n * 1000) / (performance.now() - t0));
  }
  return best;
}

function noSodium(fn: () => unknown): () => unknown {
  return () => {
    sodiumGroup.setEnabled(false);
    nativeGroup.setEnabled(false);
    try {
      return fn();
    } finally {
      sodiumGroup.setEnabled(true);
      nativeGroup.setEnabled(true);
    }
  };
}

console.log(
  `ristretto255 addon: ${nativeGroup.available ? "loaded" : "NOT loaded"}; sodium-native Ed25519: ${sodiumGroup.available ? "available" : "NOT available"}`,
);
const rows: string[][] = [["case", "op", "ours ops/s", "TS only", "wasm ops/s", "ratio", "TS-only ratio"]];
const row = (c: string, op: string, ours: () => unknown, wasm: () => unknown) => {
  const [o, n, w] = [opsPerSec(ours), opsPerSec(noSodium(ours)), opsPerSec(wasm)];
  rows.push([c, op, o.toFixed(0), n.toFixed(0), w.toFixed(0), (o / w).toFixed(2) + "×", (n / w).toFixed(2) + "×"]);
};

for (const [name, json] of Object.entries(POLICIES)) {
  const policy = C.Policy.fromBytes(utf8.encode(json));
  const pbytes = policy.toBytes();
  const { secretKey, publicKey } = C.generateMasterKeys(policy);
  const pt = new Uint8Array(1024);
  for (const [label, target, user] of [
    ["1 partition", "Department::HR && Security Level::Low", "Security Level::High"],
    ["3 partitions", "Security Level::Medium", "Security Level::High"],
    ["1 partition, narrow key", "Department::HR && Security Level::Low", "Department::HR && Security Level::Low"],
  ] as const) {
    const usk = C.generateUserSecretKey(secretKey, user, policy);
    const ct = C.encrypt(policy, publicKey, target, pt);
    row(
      `${name}, ${label}`,
      "encrypt",
      () => cc.encrypt(pbytes, publicKey, target, pt),
      () => C.encrypt(policy, publicKey, target, pt),
    );
    row(
      `${name}, ${label}`,
      `decrypt (${user})`,
      () => cc.decrypt(usk, ct),
      () => C.decrypt(usk, ct),
    );
  }
  for (const user of ["Department::HR && Security Level::Medium", "Security Level::High"]) {
    row(
      name,
      `user key (${user})`,
      () => cc.generateUserSecretKey(secretKey, user, pbytes),
      () => C.generateUserSecretKey(secretKey, user, policy),
    );
  }
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
