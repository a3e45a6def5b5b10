/**
 * Cosmian's conformance corpus (test/conformance/vectors/, see README.md there) against our real
 * server, one test per folder: no scenario may fail, every scenario baseline.json lists as passing
 * must still pass, and every skipped one must say why. `npm run conformance` prints the per-scenario
 * table and adds newly passing scenarios to the baseline.
 */
import { describe, expect, test } from "vitest";
import { FOLDERS } from "./runner.ts";
import { readBaseline, runAll } from "./suite.ts";
import { MISSING as SOFTHSM_MISSING, softHsmAvailable } from "../helpers/softhsm.ts";

const baseline = readBaseline();

// The hsm folder runs on SoftHSM2: with CI=true a missing SoftHSM2 fails its test (too few passes), otherwise one skip line.
const hsmSkipped = !softHsmAvailable && process.env.CI !== "true";
if (hsmSkipped) console.log(`SKIP test/conformance/conformance.test.ts hsm folder: ${SOFTHSM_MISSING}`);

describe("Cosmian conformance corpus", () => {
  test("the baseline lists passing scenarios by name", () => {
    expect(baseline.pass.length).toBeGreaterThan(300);
    for (const folder of FOLDERS.filter((f) => f !== "hsm"))
      expect(
        baseline.pass.some((p) => p.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
  });

  for (const folder of FOLDERS.filter((f) => f !== "hsm" || !hsmSkipped)) {
    const expected = baseline.pass.filter((p) => p.startsWith(`${folder}/`));
    test(`${folder}: no scenario fails, the ${expected.length} of the baseline pass`, {
      timeout: 600_000,
    }, async () => {
      const results = await runAll({ folders: [folder] });
      expect(results.length, `no scenario found under vectors/${folder}`).toBeGreaterThan(0);
      const failures = results.filter((r) => r.status === "FAIL").map((r) => `${r.path}: ${r.reason}`);
      expect(failures, `${folder}: failing scenarios`).toEqual([]);
      const passing = new Set(results.filter((r) => r.status === "PASS").map((r) => r.path));
      const lost = expected
        .filter((p) => !passing.has(p))
        .map((p) => `${p}: ${results.find((r) => r.path === p)?.status ?? "not found"}`);
      expect(lost, `${folder}: scenarios of the baseline that no longer pass`).toEqual([]);
      const unexplained = results.filter((r) => r.status === "SKIP" && !r.reason?.trim()).map((r) => r.path);
      expect(unexplained, `${folder}: skipped without a reason`).toEqual([]);
    });
  }
});
