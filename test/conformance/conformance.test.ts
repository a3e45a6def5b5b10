/**
 * Cosmian's KMS conformance corpus (test/conformance/vectors/, see README.md there) against our real
 * server: one test per folder, which fails when fewer scenarios pass than baseline.json records.
 * `npm run conformance` prints the per-scenario table and raises the baseline.
 */
import { describe, expect, test } from "vitest";
import { FOLDERS } from "./runner.ts";
import { readBaseline, runAll } from "./suite.ts";

const baseline = readBaseline();

describe("Cosmian conformance corpus", () => {
  for (const folder of FOLDERS) {
    test(`${folder}: at least ${baseline[folder] ?? 0} scenarios pass`, { timeout: 600_000 }, async () => {
      const results = await runAll({ folders: [folder] });
      expect(results.length, `no scenario found under vectors/${folder}`).toBeGreaterThan(0);
      const passed = results.filter((r) => r.status === "PASS").length;
      const failures = results.filter((r) => r.status === "FAIL").map((r) => `${r.path}: ${r.reason}`);
      expect(passed, `${folder}: ${passed} passing, baseline ${baseline[folder] ?? 0}; failing:\n${failures.join("\n")}`).toBeGreaterThanOrEqual(baseline[folder] ?? 0);
    });
  }
});
