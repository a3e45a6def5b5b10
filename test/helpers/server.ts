/**
 * Test helpers: a real server on a random port with a real SQLite file in a temp folder, and a
 * small KMIP client speaking both wire dialects.
 *
 * With KMS_TEST_DATABASE=postgresql (the integration-postgres vitest project) every server instead
 * gets its own database in a throwaway PostgreSQL cluster, one cluster per test file.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { startServer, type RunningServer } from "../../src/server/main.ts";
import { DEFAULTS, type ServerConfig } from "../../src/server/config.ts";
import { silentLogger } from "../../src/server/log.ts";
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
    TEST_DATABASE === "postgresql" && !overrides.databaseType ? { databaseType: "postgresql", databaseUrl: await testDatabaseUrl() } : {};
  // A PostgreSQL server is given its (shared) master key: it never generates one.
  if ((database.databaseType ?? overrides.databaseType) === "postgresql" && !overrides.masterKeyFile) writeTestMasterKey(path.join(dataDir, "master.key"));
  const config: ServerConfig = { ...structuredClone(DEFAULTS), port: 0, ...database, ...overrides, dataDir };
  const server = await startServer(config, silentLogger);
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

export async function postKmip(url: string, body: unknown, headers: Record<string, string> = {}, route = "/kmip/2_1"): Promise<KmipResult> {
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
export function expectKmipError(r: { status: number; text: string }, status: number, reason: string, message?: RegExp): void {
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
