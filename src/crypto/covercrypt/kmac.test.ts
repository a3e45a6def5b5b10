// KMACXOF256, on OpenSSL through the native addon and on the unrolled Keccak, against @noble/hashes' kmac256xof (itself checked against
// the NIST SP 800-185 samples): block-boundary lengths for key, customization, data and output.
import { kmac256xof } from "@noble/hashes/sha3-addons.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { kmacXof256, kmacXof256Spans } from "./kmac.ts";
import * as nativeGroup from "./native-group.ts";
import { nativeModes } from "./native-modes.test-helper.ts";

describe.each(nativeModes())("kmacXof256 ($name)", ({ native }) => {
  let prev = true;
  beforeAll(() => {
    prev = nativeGroup.setEnabled(native);
  });
  afterAll(() => {
    nativeGroup.setEnabled(prev);
  });

  it("matches the NIST SP 800-185 KMACXOF256 sample #4", () => {
    // KMAC_samples.pdf, KMACXOF256 sample #4: K = 40..5F, X = 00 01 02 03, L = 512, S = "My Tagged Application"
    const key = Uint8Array.from({ length: 32 }, (_, i) => 0x40 + i);
    const out = kmacXof256(key, [Uint8Array.of(0, 1, 2, 3)], 64, new TextEncoder().encode("My Tagged Application"));
    expect(bytesToHex(out)).toBe(
      bytesToHex(
        hexToBytes(
          "1755133F1534752AAD0748F2C706FB5C784512CAB835CD15676B16C0C6647FA96FAA7AF634A0BF8FF6DF39374FA00FAD9A39E322A7C92065A64EB1FB0801EB2B",
        ),
      ),
    );
  });

  it("matches @noble for many lengths, data given in parts", () => {
    for (const [keyLen, sLen, dataLen, outLen] of [
      [16, 32, 0, 32],
      [16, 32, 66, 32],
      [16, 32, 135, 32],
      [16, 32, 136, 32],
      [16, 32, 137, 32],
      [16, 32, 6190, 32],
      [0, 0, 1, 1],
      [200, 150, 300, 136],
      [16, 32, 10, 137],
      [16, 32, 10, 500],
    ]) {
      const key = randomBytes(keyLen),
        s = randomBytes(sLen),
        data = randomBytes(dataLen);
      const cut = Math.floor(dataLen / 3);
      const ours = kmacXof256(key, [data.subarray(0, cut), data.subarray(cut)], outLen, s);
      expect(bytesToHex(ours), `${keyLen}/${sLen}/${dataLen}/${outLen}`).toBe(
        bytesToHex(kmac256xof(key, data, { dkLen: outLen, personalization: s })),
      );
    }
  });

  it("kmacXof256Spans MACs pieces of one buffer like @noble MACs their concatenation", () => {
    const data = randomBytes(7000);
    for (const spans of [
      [],
      [0, 0],
      [0, 7000],
      [32, 32, 100, 2, 102, 1184], // the pieces of a user key: b, a partition, kyber_sk ‖ x
      [6999, 1, 0, 135, 135, 1, 136, 136, 500, 0, 0, 6000],
    ]) {
      const key = randomBytes(16),
        s = randomBytes(32);
      const pieces = [];
      for (let i = 0; i < spans.length; i += 2) pieces.push(data.subarray(spans[i], spans[i] + spans[i + 1]));
      const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
      pieces.reduce((o, p) => (joined.set(p, o), o + p.length), 0);
      // the output lands in a view, leaving its neighbours alone
      const buf = new Uint8Array(80).fill(0xaa);
      kmacXof256Spans(key, data, Uint32Array.from(spans), buf.subarray(8, 40), s);
      expect(bytesToHex(buf.subarray(8, 40)), spans.join()).toBe(
        bytesToHex(kmac256xof(key, joined, { dkLen: 32, personalization: s })),
      );
      expect([...buf.subarray(0, 8), ...buf.subarray(40)].every((x) => x === 0xaa)).toBe(true);
    }
  });

  it("kmacXof256Spans refuses a span outside the data and an odd number of entries", () => {
    const out = new Uint8Array(32);
    const run = (spans: number[]) => () =>
      kmacXof256Spans(randomBytes(16), new Uint8Array(100), Uint32Array.from(spans), out, randomBytes(32));
    expect(run([0, 101])).toThrow(RangeError);
    expect(run([100, 1])).toThrow(RangeError);
    expect(run([0xffffffff, 2])).toThrow(RangeError);
    expect(run([1, 0xffffffff])).toThrow(RangeError);
    expect(run([0, 10, 5])).toThrow(TypeError);
    expect(run([100, 0])).not.toThrow();
  });
});
