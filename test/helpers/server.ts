/**
 * Test helpers: a real server on a random port with a real SQLite file in a temp folder, and a
 * small KMIP client speaking both wire dialects.
 *
 * With KMS_TEST_DATABASE=postgresql (the integration-postgres vitest project) every server instead
 * gets its own database in a throwaway PostgreSQL cluster, one cluster per test file.
 *
 * With KMS_TEST_RUNTIME=deno (the `integration-deno` vitest project), startTestServer runs the
 * server under Deno in a child process (deno-child.ts) and the tests talk to it over HTTP only:
 * `rotation` is not reachable across the process boundary.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, type RunningServer } from "../../src/server/main.ts";
import { DEFAULTS, type ServerConfig } from "../../src/server/config.ts";
import { silentLogger } from "../../src/server/log.ts";
import { DENO_RUN_FLAGS, denoPermissions } from "../../scripts/deno-permissions.ts";
import { startPostgres, type PgCluster } from "./postgres.ts";

/** The backend that startTestServer gives servers (unless a test asks for one). */
export const TEST_DATABASE = process.env.KMS_TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";

let cluster: Promise<PgCluster> | undefined;
if (TEST_DATABASE === "postgresql") {
  // Registered while the test file is collected: the file's cluster goes when its tests are done.
  afterAll(async () => {
    const c = cluster;
    cluster = undefined;
    (await c?.catch(() => undefined))?.dispose();
  });
}

/** A fresh database in this test file's PostgreSQL cluster (started on first use). */
export async function testDatabaseUrl(): Promise<string> {
  cluster ??= startPostgres();
  return (await cluster).createDatabase();
}

/** Writes a fresh master key file (64 hex characters, mode 0600) unless `file` exists. */
export function writeTestMasterKey(file: string): string {
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600 });
  return file;
}

async function dropTestDatabase(url: string | undefined): Promise<void> {
  if (url && cluster) await (await cluster).dropDatabase(url);
}

export interface TestServer extends RunningServer {
  dataDir: string;
  config: ServerConfig;
  /** Stops the server and deletes its data folder. */
  dispose(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(path.join(tmpdir(), "kms-test-"));
  const database: Partial<ServerConfig> =
    TEST_DATABASE === "postgresql" && !overrides.databaseType
      ? { databaseType: "postgresql", databaseUrl: await testDatabaseUrl() }
      : {};
  // A PostgreSQL server is given its (shared) master key: it never generates one.
  if ((database.databaseType ?? overrides.databaseType) === "postgresql" && !overrides.masterKeyFile)
    writeTestMasterKey(path.join(dataDir, "master.key"));
  const config: ServerConfig = { ...structuredClone(DEFAULTS), port: 0, ...database, ...overrides, dataDir };
  const server =
    process.env.KMS_TEST_RUNTIME === "deno" ? await startDenoServer(config) : await startServer(config, silentLogger);
  return {
    ...server,
    dataDir,
    config,
    async dispose() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (database.databaseUrl) await dropTestDatabase(database.databaseUrl);
    },
  };
}

const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * The permissions of the Deno test server: the narrowest that serve (scripts/deno-permissions.ts),
 * widened to the temp folder where tests keep their data, certificates and key files.
 */
export function denoTestPermissions(config: ServerConfig): string[] {
  const tmp = realpathSync(tmpdir());
  return denoPermissions({
    read: [ROOT, realpathSync(path.join(ROOT, "node_modules")), tmp],
    write: [tmp, path.resolve(config.dataDir)],
    net: config.hostname.includes(":") ? `[${config.hostname}]` : config.hostname,
  });
}

/** The server under Deno, in a child process: resolves once it listens. */
async function startDenoServer(config: ServerConfig): Promise<RunningServer> {
  const deno = path.join(ROOT, "node_modules/.bin/deno");
  if (!existsSync(deno))
    throw new Error(`KMS_TEST_RUNTIME=deno but Deno is missing (${deno}): npm ci installs it (the deno devDependency)`);
  const args = [
    "run",
    ...DENO_RUN_FLAGS,
    ...denoTestPermissions(config),
    path.join(ROOT, "test/helpers/deno-child.ts"),
  ];
  const child = spawn(deno, args, {
    env: { ...process.env, NO_COLOR: "1", KMS_TEST_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = await new Promise<{ url: string; port: number; socketPort?: number }>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    child.on("error", reject);
    void exited.then((code) =>
      reject(new Error(`the Deno server exited (${code}) before it listened: ${stderr.trim()}`)),
    );
  });
  return {
    ...ready,
    reloadCredentials: () => void child.kill("SIGHUP"),
    rotation: new Proxy(
      {},
      {
        get() {
          throw new Error("the Deno test server runs in another process: its rotation scheduler is not reachable");
        },
      },
    ) as RunningServer["rotation"],
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      if (code !== 0) throw new Error(`the Deno server exited with ${code}: ${stderr.trim()}`);
    },
  };
}

/** Starts a server before the file's tests (handing it to `ready`) and disposes of it after. */
export function useTestServer(ready: (server: TestServer) => void, overrides: Partial<ServerConfig> = {}): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(overrides);
    ready(server);
  });
  afterAll(async () => {
    await server?.dispose();
  });
}

export type Node = { tag: string; type?: string; value: unknown };

/** Builders for JSON TTLV nodes (the Cosmian JS client's dialect: type on every node). */
export const t = {
  s: (tag: string, ...value: Node[]): Node => ({ tag, type: "Structure", value }),
  text: (tag: string, value: string): Node => ({ tag, type: "TextString", value }),
  int: (tag: string, value: number): Node => ({ tag, type: "Integer", value }),
  e: (tag: string, value: string | number): Node => ({ tag, type: "Enumeration", value }),
  b: (tag: string, hex: string): Node => ({ tag, type: "ByteString", value: hex }),
  bool: (tag: string, value: boolean): Node => ({ tag, type: "Boolean", value }),
  date: (tag: string, value: string): Node => ({ tag, type: "DateTime", value }),
};

// Hex helpers for ByteString values, here too since most server tests need them.
export { fromHex, hex } from "./bytes.ts";

export interface KmipResult {
  status: number;
  text: string;
  json?: Node;
}

export async function postKmip(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  route = "/kmip/2_1",
): Promise<KmipResult> {
  const res = await fetch(url + route, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Node | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/**
 * Asserts a KMIP failure: the HTTP status (422 for operation errors, 401/403/... for the gate), the
 * Result Reason that starts the body (`<Reason>: <message>`), and the message when given.
 */
export function expectKmipError(
  r: { status: number; text: string },
  status: number,
  reason: string,
  message?: RegExp,
): void {
  expect(r.status, r.text).toBe(status);
  expect(r.text.startsWith(`${reason}: `), r.text).toBe(true);
  if (message) expect(r.text).toMatch(message);
}

/** First descendant node with `tag` (depth-first). */
export function find(node: Node | undefined, tag: string): Node | undefined {
  if (!node) return undefined;
  if (node.tag === tag) return node;
  if (Array.isArray(node.value)) {
    for (const c of node.value as Node[]) {
      const f = find(c, tag);
      if (f) return f;
    }
  }
  return undefined;
}

export function findAll(node: Node | undefined, tag: string, out: Node[] = []): Node[] {
  if (!node) return out;
  if (node.tag === tag) out.push(node);
  if (Array.isArray(node.value)) for (const c of node.value as Node[]) findAll(c, tag, out);
  return out;
}

export const valueOf = (node: Node | undefined, tag: string) => find(node, tag)?.value;

/** Strips `type` from Structures: the Cosmian v5 form of a node. */
export function v5(node: Node): Node {
  if (node.type === "Structure") return { tag: node.tag, value: (node.value as Node[]).map(v5) };
  return node;
}
