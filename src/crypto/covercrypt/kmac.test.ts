// KMACXOF256, on OpenSSL through the native addon and on the unrolled Keccak, against @noble/hashes' kmac256xof (itself checked against
// the NIST SP 800-185 samples): block-boundary lengths for key, customization, data and output.
import { kmac256xof } from "@noble/hashes/sha3-addons.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes } from "../bytes.ts";
import { randomBytes } from "../random.ts";
import { kmacXof256 } from "./kmac.ts";
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
});
