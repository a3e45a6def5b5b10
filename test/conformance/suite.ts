/**
 * Runs the whole corpus (or a part): one fresh server per scenario, with one API key per user the
 * scenario names. Shared by report.ts (`npm run conformance`) and conformance.test.ts.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startTestServer } from "../helpers/server.ts";
import { FOLDERS, listScenarios, loadManifest, runScenario, skipReason, usersOf, VECTORS_ROOT, type ScenarioResult } from "./runner.ts";

export const BASELINE_FILE = path.join(import.meta.dirname, "baseline.json");

export async function runAll(opts: { only?: string; folders?: readonly string[] } = {}): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const rel of listScenarios(VECTORS_ROOT, opts.folders ?? FOLDERS)) {
    if (opts.only && !rel.startsWith(opts.only)) continue;
    results.push(await runOne(rel));
  }
  return results;
}

export async function runOne(rel: string): Promise<ScenarioResult> {
  let manifest;
  try {
    manifest = loadManifest(path.join(VECTORS_ROOT, rel));
  } catch {
    return runScenario(VECTORS_ROOT, rel, { url: "http://127.0.0.1:1" });
  }
  if (skipReason(rel, manifest)) return runScenario(VECTORS_ROOT, rel, { url: "http://127.0.0.1:1" });
  const tokens: Record<string, string> = {};
  for (const user of usersOf(manifest)) tokens[user] = randomBytes(24).toString("base64url");
  const server = await startTestServer({ apiKeys: Object.entries(tokens).map(([user, token]) => ({ user, token })) });
  try {
    return await runScenario(VECTORS_ROOT, rel, { url: server.url, tokens });
  } finally {
    await server.dispose();
  }
}

export interface FolderSummary {
  pass: number;
  fail: number;
  skip: number;
  total: number;
}

export function summarize(results: ScenarioResult[]): Record<string, FolderSummary> {
  const out: Record<string, FolderSummary> = {};
  const add = (k: string, r: ScenarioResult) => {
    const s = (out[k] ??= { pass: 0, fail: 0, skip: 0, total: 0 });
    s.total++;
    if (r.status === "PASS") s.pass++;
    else if (r.status === "FAIL") s.fail++;
    else s.skip++;
  };
  for (const r of results) add(r.folder, r);
  for (const r of results) add("total", r);
  return out;
}

/**
 * baseline.json: the scenarios that pass (by path, sorted), and the skipped ones with their reasons.
 * conformance.test.ts fails when a scenario fails or when one of `pass` no longer passes.
 */
export interface Baseline {
  pass: string[];
  skip: Record<string, string>;
}

export function readBaseline(): Baseline {
  if (!existsSync(BASELINE_FILE)) return { pass: [], skip: {} };
  const doc = JSON.parse(readFileSync(BASELINE_FILE, "utf8")) as Partial<Baseline>;
  return { pass: Array.isArray(doc.pass) ? doc.pass : [], skip: doc.skip ?? {} };
}

export function writeBaseline(baseline: Baseline): void {
  const doc = {
    comment:
      "Scenarios of test/conformance/vectors: every one in `pass` must keep passing (conformance.test.ts), and none may fail; `skip` lists the scenarios not run and why. Written by `npm run conformance`.",
    pass: [...new Set(baseline.pass)].sort(),
    skip: Object.fromEntries(Object.entries(baseline.skip).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(BASELINE_FILE, JSON.stringify(doc, null, 2) + "\n");
}
