/**
 * Runs the whole corpus (or a part): one fresh server per scenario, with one API key per user the
 * scenario names. Shared by report.ts (`npm run conformance`) and conformance.test.ts.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createSoftHsmToken, SOFTHSM_MODULE } from "../helpers/softhsm.ts";
import { Hsm } from "../../src/hsm/pkcs11.ts";
import {
  FOLDERS,
  needsHsm,
  OWNER,
  listScenarios,
  loadManifest,
  runScenario,
  skipReason,
  usersOf,
  VECTORS_ROOT,
  type ScenarioResult,
} from "./runner.ts";

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
  const apiKeys = Object.entries(tokens).map(([user, token]) => ({ user, token }));
  if (needsHsm(manifest)) return runWithHsm(rel, manifest.server_type, apiKeys, tokens);
  const server = await startTestServer({ apiKeys });
  try {
    return await runScenario(VECTORS_ROOT, rel, { url: server.url, tokens });
  } finally {
    await server.dispose();
  }
}

/**
 * Cosmian's HSM server types, on a throwaway SoftHSM2 token: `hsm_kek` has the key-encryption key
 * hsm::<slot>::kek created beforehand, `hsm_kek_uncreated` names hsm::<slot>::kek_bootstrap (the
 * scenario creates it). The HSM admin is the owner identity.
 */
async function runWithHsm(
  rel: string,
  serverType: string | undefined,
  apiKeys: { user: string; token: string }[],
  tokens: Record<string, string>,
): Promise<ScenarioResult> {
  const token = createSoftHsmToken();
  let server: TestServer | undefined;
  try {
    const kek = serverType === "hsm_kek_uncreated" ? `hsm::${token.slot}::kek_bootstrap` : `hsm::${token.slot}::kek`;
    if (serverType !== "hsm_kek_uncreated") {
      const hsm = await Hsm.open({ model: "softhsm2", module: SOFTHSM_MODULE, slots: [token.slot], pin: token.pin });
      try {
        hsm.generateAesKey(token.slot, "kek", 256);
      } finally {
        hsm.close();
      }
    }
    server = await startTestServer({ apiKeys, hsm: token.config([OWNER]), keyEncryptionKey: kek });
    const env = { HSM_SLOT_ID: token.slot, HSM_BOOTSTRAP_KEK_ID: `hsm::${token.slot}::kek_bootstrap` };
    return await runScenario(VECTORS_ROOT, rel, { url: server.url, tokens, env });
  } finally {
    await server?.dispose();
    token.dispose();
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
