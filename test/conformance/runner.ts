/**
 * Conformance runner: replays Cosmian's KMS test-vector corpus (test/conformance/vectors/, a copy of
 * `Cosmian/test_data` `vectors/`) against our real server over HTTP.
 *
 * It follows what Cosmian's own runner does (`crate/test_kms_server/src/vector_runner.rs` in
 * Cosmian/kms 5.26; facts only, no code copied):
 * - a scenario is a `manifest.toml` with `[[steps]]`; each step's `request` file is a bare KMIP
 *   operation in JSON TTLV, wrapped in a RequestMessage (protocol 2.1 unless `kmip_version`, BatchCount
 *   1; operation `Mac`/`MacVerify` spelled `MAC`/`MACVerify`) and POSTed to `/kmip/2_1`; with
 *   `raw_request = true` the file is already a RequestMessage and is sent as is;
 * - `{{name}}` in a request or an expected value is replaced by the value captured earlier with
 *   `[steps.capture] name = "Tag"` (first leaf with that tag, depth first);
 * - `GrantAccess` / `RevokeAccess` steps POST the file's JSON to `/access/grant` / `/access/revoke`;
 * - `identity = "x"` runs the step as the manifest's `[identities.x]` (a TLS client certificate at
 *   Cosmian; here an API key for the user named by the certificate's subject CN), default "owner";
 * - success = HTTP 2xx and the first ResultStatus (if any) is Success (every ResultStatus for raw
 *   requests); expected failure = HTTP non-2xx or a ResultStatus other than Success, then
 *   `assert_error_reason` = the first ResultReason, `assert_error_contains` = substring of the first
 *   ResultMessage (a non-JSON error body counts as the ResultMessage); `allow_failure` ignores the
 *   outcome and skips assertions and captures;
 * - a server that cannot be reached (refused or reset connection: a crashed server) or that answers
 *   HTTP 5xx fails the step whatever it expects, `allow_failure` included: a KMIP failure is an
 *   answer, a crash is not;
 * - after a success: `assert_fields` (first leaf with the tag equals the value), `assert_any_field`
 *   (some leaf equals it), `assert_none_field` (no leaf equals it), `assert_fields_absent`,
 *   `assert_count` (number of leaves with the tag), then the captures. Leaves compare as strings:
 *   numbers and booleans as their JSON text.
 *
 * - `{{$NAME}}` is replaced by the value the environment gives (HSM_SLOT_ID, HSM_BOOTSTRAP_KEK_ID:
 *   here the target's `env`); HSM scenarios run against a server with a SoftHSM2 token (suite.ts).
 *
 * Difference from Cosmian (on purpose): each scenario runs against a fresh server and database (and
 * a fresh SoftHSM2 token for HSM scenarios), so a scenario's outcome never depends on the ones before
 * it. Binary TTLV scenarios (`wire_format`) are skipped: this runner sends JSON TTLV only (the
 * server also serves binary TTLV, src/kmip/ttlv-binary.ts, tested in test/server/binary-ttlv.test.ts
 * and test/interop/). Other skips, with their reasons: skips.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { SKIPS } from "./skips.ts";
import { MISSING as SOFTHSM_MISSING, softHsmAvailable } from "../helpers/softhsm.ts";

export type Status = "PASS" | "FAIL" | "SKIP";

export interface ScenarioResult {
  /** Path relative to the vectors root, e.g. `fips/symmetric/aes_encrypt_decrypt`. */
  path: string;
  /** Top folder: fips, negative, kat, non-fips, access_control. */
  folder: string;
  name: string;
  status: Status;
  reason?: string;
}

interface Step {
  operation: string;
  request: string;
  assert_success?: boolean;
  assert_fields?: Record<string, string>;
  assert_any_field?: Record<string, string>;
  assert_none_field?: Record<string, string>;
  assert_fields_absent?: string[];
  assert_count?: Record<string, number>;
  assert_error_reason?: string;
  assert_error_contains?: string;
  capture?: Record<string, string>;
  raw_request?: boolean;
  identity?: string;
  allow_failure?: boolean;
}

export interface Manifest {
  name: string;
  description?: string;
  wire_format?: string;
  kmip_version?: [number, number];
  server_type?: string;
  requires_env?: string[];
  server_config?: string;
  identities?: Record<string, { client_cert: string; client_key: string }>;
  steps: Step[];
}

/** The servers' users, by identity: the subject CN of the certificate named in the manifest. */
export interface Target {
  url: string;
  /** Bearer token of each user name (see `userOfCertificate`); undefined = no authentication. */
  tokens?: Record<string, string>;
  /** Values of the `{{$NAME}}` placeholders (Cosmian's runner takes them from its environment: HSM_SLOT_ID...). */
  env?: Record<string, string>;
}

export const VECTORS_ROOT = path.join(import.meta.dirname, "vectors");
export const FOLDERS = ["fips", "negative", "kat", "non-fips", "access_control", "hsm"] as const;

/** The default identity of steps without `identity` (Cosmian's "owner" client). */
export const OWNER = "owner.client@acme.com";

/**
 * Cosmian's test certificates `x.client.acme.com.crt` carry the subject CN `x.client@acme.com`
 * (test_data/certificates/client_server/generate.sh); the grants in the corpus name those users.
 */
export function userOfCertificate(certPath: string): string {
  const base = path.basename(certPath).replace(/\.(crt|pem|p12)$/, "");
  const m = /^(.*)\.([^.]+\.[^.]+)$/.exec(base);
  return m ? `${m[1]}@${m[2]}` : base;
}

/** Every scenario folder (holding a manifest.toml) under `root/folder`, sorted. */
export function listScenarios(root = VECTORS_ROOT, folders: readonly string[] = FOLDERS): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (existsSync(path.join(dir, "manifest.toml"))) out.push(path.relative(root, dir).split(path.sep).join("/"));
    for (const e of readdirSync(dir).sort()) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  for (const f of folders) if (existsSync(path.join(root, f))) walk(path.join(root, f));
  return out;
}

export function loadManifest(dir: string): Manifest {
  return parseToml(readFileSync(path.join(dir, "manifest.toml"), "utf8")) as unknown as Manifest;
}

/** The users a manifest needs (owner first). */
export function usersOf(manifest: Manifest): string[] {
  const users = new Set([OWNER]);
  for (const id of Object.values(manifest.identities ?? {})) users.add(userOfCertificate(id.client_cert));
  return [...users];
}

/** Scenarios run against a server with an HSM (Cosmian's server types hsm_kek, hsm_kek_uncreated). */
export const needsHsm = (m: Manifest) =>
  !!(m.server_type?.startsWith("hsm") || m.requires_env?.includes("HSM_SLOT_ID"));

/** Why a scenario is not run, or undefined. */
export function skipReason(rel: string, manifest: Manifest): string | undefined {
  if (SKIPS[rel]) return SKIPS[rel];
  if (needsHsm(manifest) && !softHsmAvailable) return `needs an HSM: ${SOFTHSM_MISSING}`;
  if (manifest.wire_format && manifest.wire_format !== "json")
    return "binary TTLV (wire_format): this runner sends JSON TTLV only (the server's binary TTLV has its own tests)";
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// JSON TTLV helpers (on plain JSON, as Cosmian's runner walks it)

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json | undefined };

function leafString(v: Json): string | undefined {
  if (Array.isArray(v)) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Every leaf value of nodes tagged `tag`, depth first. */
export function findAll(value: Json, tag: string, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) findAll(v, tag, out);
  } else if (value && typeof value === "object") {
    if (value.tag === tag && value.value !== undefined) {
      const s = leafString(value.value);
      if (s !== undefined) out.push(s);
    }
    if (Array.isArray(value.value)) for (const c of value.value) findAll(c, tag, out);
  }
  return out;
}

const first = (value: Json, tag: string) => findAll(value, tag)[0];

function substitute(text: string, captures: Map<string, string>, env: Record<string, string> = {}): string {
  let out = text.replace(/\{\{\$([A-Z0-9_]+)\}\}/g, (all, name: string) => env[name] ?? all);
  for (const [k, v] of captures) out = out.split(`{{${k}}}`).join(v);
  return out;
}

function wrap(op: Json, major: number, minor: number): Json {
  const o = op as { tag?: string; value?: Json };
  const tag = o.tag === "Mac" ? "MAC" : o.tag === "MacVerify" ? "MACVerify" : (o.tag ?? "Unknown");
  return {
    tag: "RequestMessage",
    value: [
      {
        tag: "RequestHeader",
        value: [
          {
            tag: "ProtocolVersion",
            value: [
              { tag: "ProtocolVersionMajor", type: "Integer", value: major },
              { tag: "ProtocolVersionMinor", type: "Integer", value: minor },
            ],
          },
          { tag: "BatchCount", type: "Integer", value: 1 },
        ],
      },
      {
        tag: "BatchItem",
        value: [
          { tag: "Operation", type: "Enumeration", value: tag },
          { tag: "RequestPayload", value: o.value ?? [] },
        ],
      },
    ],
  };
}

class StepFailure extends Error {}

async function post(
  target: Target,
  route: string,
  user: string,
  body: string,
): Promise<{ ok: boolean; status: number; text: string } | Error> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = target.tokens?.[user];
  if (target.tokens && !token) return new Error(`no API key for user ${user}`);
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(target.url + route, { method: "POST", headers, body });
    return { ok: res.ok, status: res.status, text: await res.text() };
  } catch (e) {
    return e as Error;
  }
}

/** Runs one scenario; never throws. */
export async function runScenario(root: string, rel: string, target: Target): Promise<ScenarioResult> {
  const dir = path.join(root, rel);
  const folder = rel.split("/")[0];
  let manifest: Manifest;
  try {
    manifest = loadManifest(dir);
  } catch (e) {
    return {
      path: rel,
      folder,
      name: rel,
      status: "FAIL",
      reason: `cannot read the manifest: ${(e as Error).message}`,
    };
  }
  const base = { path: rel, folder, name: manifest.name };
  const skip = skipReason(rel, manifest);
  if (skip) return { ...base, status: "SKIP", reason: skip };
  try {
    await runSteps(dir, manifest, target);
    return { ...base, status: "PASS" };
  } catch (e) {
    const reason = e instanceof StepFailure ? e.message : `runner error: ${(e as Error).message}`;
    return { ...base, status: "FAIL", reason };
  }
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}...` : s);

async function runSteps(dir: string, manifest: Manifest, target: Target): Promise<void> {
  const captures = new Map<string, string>();
  const [major, minor] = manifest.kmip_version ?? [2, 1];
  for (const [i, step] of manifest.steps.entries()) {
    const where = `step ${i + 1} ${step.operation} (${step.request})`;
    const failStep = (msg: string): never => {
      throw new StepFailure(`${where}: ${msg}`);
    };
    const idCert = manifest.identities?.[step.identity ?? "owner"]?.client_cert;
    const user = idCert ? userOfCertificate(idCert) : OWNER;
    const expectSuccess = step.assert_success ?? true;
    const text = substitute(readFileSync(path.join(dir, step.request), "utf8"), captures, target.env);
    const resolve = (template: string) => {
      const v = substitute(template, captures, target.env);
      if (/\{\{[^}]*\}\}/.test(v)) failStep(`unresolved placeholder in "${template}"`);
      return v;
    };

    if (step.operation === "GrantAccess" || step.operation === "RevokeAccess") {
      const route = step.operation === "GrantAccess" ? "/access/grant" : "/access/revoke";
      const r = await post(target, route, user, text);
      if (r instanceof Error) failStep(`server unreachable: ${r.message}`);
      const { ok, status, text: message } = r as { ok: boolean; status: number; text: string };
      if (status >= 500) failStep(`server error HTTP ${status}: ${clip(message)}`);
      if (step.allow_failure) continue;
      if (ok && !expectSuccess) failStep("expected failure but got success");
      if (!ok && expectSuccess) failStep(`expected success, got error: ${clip(message)}`);
      if (!ok && step.assert_error_contains && !message.includes(step.assert_error_contains)) {
        failStep(`expected an error containing "${step.assert_error_contains}", got: ${clip(message)}`);
      }
      continue;
    }

    const request = JSON.parse(text) as Json;
    const message = step.raw_request ? request : wrap(request, major, minor);
    const r = await post(target, "/kmip/2_1", user, JSON.stringify(message));
    if (r instanceof Error) failStep(`server unreachable: ${r.message}`);
    const { ok, status, text: body } = r as { ok: boolean; status: number; text: string };
    if (status >= 500) failStep(`server error HTTP ${status}: ${clip(body)}`);
    let response: Json;
    try {
      response = JSON.parse(body) as Json;
    } catch {
      response = {
        tag: "ErrorResponse",
        value: [
          { tag: "ResultStatus", type: "Enumeration", value: "OperationFailed" },
          { tag: "ResultMessage", type: "TextString", value: body },
        ],
      };
    }
    const statuses = findAll(response, "ResultStatus");
    const isSuccess = (s: string | undefined) => s === undefined || s === "Success" || s === "0x00000000";
    const describe = () =>
      `${first(response, "ResultReason") ?? ""} ${clip(first(response, "ResultMessage") ?? body)}`.trim();

    if (expectSuccess) {
      if (step.allow_failure) continue;
      if (!ok) failStep(`HTTP error: ${clip(body)}`);
      if (step.raw_request) {
        const bad = statuses.findIndex((s) => !isSuccess(s));
        if (bad >= 0) failStep(`batch item ${bad} failed: ${statuses[bad]} ${describe()}`);
      } else if (!isSuccess(statuses[0])) {
        failStep(`expected success, got ${statuses[0]}: ${describe()}`);
      }
    } else {
      if (ok && (statuses[0] === "Success" || statuses[0] === "0x00000000"))
        failStep("expected failure but got success");
      if (step.assert_error_reason) {
        const actual = first(response, "ResultReason") ?? "";
        if (actual !== step.assert_error_reason)
          failStep(`expected ResultReason ${step.assert_error_reason}, got "${actual}" (${describe()})`);
      }
      if (step.assert_error_contains) {
        const actual = first(response, "ResultMessage") ?? "";
        if (!actual.includes(step.assert_error_contains))
          failStep(`expected ResultMessage to contain "${step.assert_error_contains}", got "${clip(actual)}"`);
      }
      if (!step.assert_error_reason && !step.assert_error_contains)
        failStep("assert_success = false without an error assertion");
      continue;
    }

    for (const [tag, template] of Object.entries(step.assert_fields ?? {})) {
      const expected = resolve(template);
      const actual = first(response, tag);
      if (actual === undefined) failStep(`expected field ${tag} not found in the response`);
      if (actual !== expected) failStep(`field ${tag}: expected "${clip(expected, 100)}", got "${clip(actual!, 100)}"`);
    }
    for (const [tag, template] of Object.entries(step.assert_any_field ?? {})) {
      const expected = resolve(template);
      const all = findAll(response, tag);
      if (!all.includes(expected))
        failStep(`field ${tag}: expected one to be "${expected}", got [${clip(all.join(", "), 200)}]`);
    }
    for (const [tag, template] of Object.entries(step.assert_none_field ?? {})) {
      const forbidden = resolve(template);
      if (findAll(response, tag).includes(forbidden)) failStep(`field ${tag} must not be "${forbidden}"`);
    }
    for (const tag of step.assert_fields_absent ?? []) {
      if (first(response, tag) !== undefined) failStep(`field ${tag} should be absent`);
    }
    for (const [tag, count] of Object.entries(step.assert_count ?? {})) {
      const n = findAll(response, tag).length;
      if (n !== count) failStep(`expected ${count} occurrence(s) of ${tag}, got ${n}`);
    }
    for (const [name, tag] of Object.entries(step.capture ?? {})) {
      const v = first(response, tag);
      if (v === undefined) failStep(`cannot capture ${name}: no ${tag} in the response`);
      captures.set(name, v!);
    }
  }
}
