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

export function readBaseline(): Record<string, number> {
  if (!existsSync(BASELINE_FILE)) return {};
  return (JSON.parse(readFileSync(BASELINE_FILE, "utf8")) as { pass: Record<string, number> }).pass;
}

export function writeBaseline(pass: Record<string, number>): void {
  const doc = {
    comment: "Scenarios of test/conformance/vectors passing, per folder. Written by `npm run conformance`; conformance.test.ts fails below these counts.",
    pass,
  };
  writeFileSync(BASELINE_FILE, JSON.stringify(doc, null, 2) + "\n");
}
