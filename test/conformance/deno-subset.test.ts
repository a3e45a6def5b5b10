/**
 * Part of Cosmian's conformance corpus against the server served by Deno (project integration-deno
 * only; the integration project runs the whole corpus on Bun in conformance.test.ts). One fresh
 * Deno server per scenario costs about a second, so three folders run here: access control, the
 * known-answer tests and the non-FIPS algorithms. Every scenario of the baseline must pass.
 */
import { expect, test } from "vitest";
import { readBaseline, runAll } from "./suite.ts";

const FOLDERS = ["access_control", "kat", "non-fips"];
const baseline = readBaseline();

test.each(FOLDERS)("%s: no scenario fails and the baseline's pass under Deno", { timeout: 300_000 }, async (folder) => {
  expect(process.env.KMS_TEST_RUNTIME).toBe("deno");
  const results = await runAll({ folders: [folder] });
  expect(results.length).toBeGreaterThan(0);
  expect(results.filter((r) => r.status === "FAIL").map((r) => `${r.path}: ${r.reason}`)).toEqual([]);
  const passing = new Set(results.filter((r) => r.status === "PASS").map((r) => r.path));
  expect(baseline.pass.filter((p) => p.startsWith(`${folder}/`) && !passing.has(p))).toEqual([]);
});
