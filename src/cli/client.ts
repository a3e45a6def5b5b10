/**
 * The command-line client's connection to a KMS: where the server is and how to authenticate,
 * from (lowest to highest precedence) a TOML file, environment variables and flags, and a small
 * KMIP client over `fetch` built on our own JSON TTLV codec (the Cosmian KMS 5.x form: no `type`
 * on Structures, lists as repeated siblings).
 *
 * Configuration file (`--conf FILE`, env `KMS_CLI_CONF`, else `~/.config/kms/kms.toml`), in
 * ckms's layout:
 *
 *   [http_config]
 *   server_url = "https://kms.example.com:9998"
 *   access_token = "..."             # API key or JWT, sent as `Authorization: Bearer`
 *   api_key_file = "/path/to/key"    # or a file holding it (this client's addition)
 *   jwt_file = "/path/to/jwt"
 *   accept_invalid_certs = false
 *   ca_file = "/path/to/ca.pem"      # trust anchors for the server certificate
 *   tls_client_pem_cert_path = "client.pem"
 *   tls_client_pem_key_path = "client.key"
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { decodeNode, encodeNode } from "../kmip/ttlv.ts";
import { fromTtlv, rawNode, toTtlv, type KmipRecord } from "../kmip/struct.ts";
import type { TtlvNode } from "../kmip/ttlv.ts";
import { KmipError } from "../kmip/error.ts";

/** A failure the command reports as one line; `code` is the exit code (1 failure, 2 usage). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export interface ClientSettings {
  url: string;
  token?: string;
  acceptInvalidCerts: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  /** Print each KMIP request and response (JSON) on stderr. */
  printJson: boolean;
}

/** The connection flags every client command accepts. */
export interface ConnectionFlags {
  conf?: string;
  "kms-url"?: string;
  "api-key-file"?: string;
  "jwt-file"?: string;
  "accept-invalid-certs"?: boolean;
  "ca-file"?: string;
  "tls-client-cert"?: string;
  "tls-client-key"?: string;
  "print-json"?: boolean;
}

export const DEFAULT_URL = "http://localhost:9998";

function readSecretFile(file: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(
      `cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const value = text.trim();
  if (!value) throw new CliError(`the ${what} file ${file} is empty`);
  return value;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function loadFile(flags: ConnectionFlags, env: NodeJS.ProcessEnv): { file?: string; http: Record<string, unknown> } {
  const explicit = flags.conf ?? env.KMS_CLI_CONF;
  const file = explicit ?? path.join(env.HOME ?? homedir(), ".config", "kms", "kms.toml");
  if (!explicit && !existsSync(file)) return { http: {} };
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`cannot load the configuration file ${file}: ${(e as Error).message.split("\n")[0]}`, 2);
  }
  const http = (parsed.http_config ?? {}) as Record<string, unknown>;
  if (typeof http !== "object" || Array.isArray(http)) throw new CliError(`${file}: [http_config] must be a table`, 2);
  return { file, http };
}

/** Resolves the connection settings: flags over environment over the configuration file. */
export function resolveSettings(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const { file, http } = loadFile(flags, env);
  const str = (key: string): string | undefined => {
    const v = http[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw new CliError(`${file}: http_config.${key} must be a string`, 2);
    return v;
  };
  const url = flags["kms-url"] ?? env.KMS_URL ?? env.KMS_DEFAULT_URL ?? str("server_url") ?? DEFAULT_URL;
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new CliError(`the server URL "${url}" is not an http:// or https:// URL`, 2);
  }
  let token: string | undefined;
  if (flags["api-key-file"]) token = readSecretFile(flags["api-key-file"], "API key");
  else if (flags["jwt-file"]) token = readSecretFile(flags["jwt-file"], "JWT");
  else if (env.KMS_API_KEY) token = env.KMS_API_KEY.trim();
  else if (env.KMS_JWT) token = env.KMS_JWT.trim();
  else if (str("api_key_file")) token = readSecretFile(str("api_key_file")!, "API key");
  else if (str("jwt_file")) token = readSecretFile(str("jwt_file")!, "JWT");
  else token = str("access_token");
  const caFile = flags["ca-file"] ?? env.KMS_CA_FILE ?? str("ca_file");
  const certFile = flags["tls-client-cert"] ?? str("tls_client_pem_cert_path");
  const keyFile = flags["tls-client-key"] ?? str("tls_client_pem_key_path");
  if (!!certFile !== !!keyFile)
    throw new CliError("a TLS client certificate needs both --tls-client-cert and --tls-client-key", 2);
  const accept =
    flags["accept-invalid-certs"] || env.KMS_ACCEPT_INVALID_CERTS === "true" || http.accept_invalid_certs === true;
  return {
    url: url.replace(/\/+$/, ""),
    token,
    acceptInvalidCerts: !!accept,
    ca: caFile ? readPem(caFile, "CA file") : undefined,
    cert: certFile ? readPem(certFile, "client certificate") : undefined,
    key: keyFile ? readPem(keyFile, "client key") : undefined,
    printJson: !!flags["print-json"],
  };
}

/** `Reason: message` (the server's text error) -> one line. */
function failureLine(status: number, text: string): string {
  const line = text.trim().split("\n")[0].slice(0, 2000);
  if (status === 401) return `Authentication_Not_Successful: ${line.replace(/^Authentication_Not_Successful:\s*/, "")}`;
  return line || `HTTP ${status}`;
}

export class KmsClient {
  constructor(readonly settings: ClientSettings) {}

  private async request(method: string, route: string, body?: string): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    const s = this.settings;
    const tls = s.url.startsWith("https:")
      ? {
          rejectUnauthorized: !s.acceptInvalidCerts,
          ...(s.ca ? { ca: s.ca } : {}),
          ...(s.cert ? { cert: s.cert, key: s.key } : {}),
        }
      : undefined;
    let res: Response;
    try {
      res = await fetch(s.url + route, { method, headers, body, ...(tls ? { tls } : {}) } as RequestInit);
    } catch (e) {
      throw new CliError(`cannot reach the KMS at ${s.url}: ${(e as Error).message}`);
    }
    return { status: res.status, text: await res.text() };
  }

  /** One KMIP operation; a KMIP failure becomes a CliError `Reason: message`. */
  async kmip(operation: string, payload: KmipRecord): Promise<KmipRecord> {
    return fromTtlv(await this.kmipNode(operation, payload)) as KmipRecord;
  }

  /** One KMIP operation, answering the response's TTLV tree (a Structure). */
  async kmipNode(operation: string, payload: KmipRecord): Promise<Extract<TtlvNode, { type: "Structure" }>> {
    const body = JSON.stringify(encodeNode(toTtlv(operation, payload), { omitStructureType: true }));
    if (this.settings.printJson) process.stderr.write(`request: ${body}\n`);
    const { status, text } = await this.request("POST", "/kmip/2_1", body);
    if (this.settings.printJson) process.stderr.write(`response (${status}): ${text}\n`);
    if (status !== 200) throw new CliError(failureLine(status, text));
    let node: TtlvNode;
    try {
      node = decodeNode(JSON.parse(text));
    } catch (e) {
      throw new CliError(
        `the server's answer to ${operation} is not KMIP JSON: ${e instanceof KmipError ? e.message : (e as Error).message}`,
      );
    }
    if (node.type !== "Structure") throw new CliError(`the server's answer to ${operation} is not a Structure`);
    return node;
  }

  /** A REST route answering JSON (access rights, version). */
  async rest(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
    const { status, text } = await this.request(method, route, body === undefined ? undefined : JSON.stringify(body));
    if (status !== 200) throw new CliError(failureLine(status, text));
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}

// ----------------------------------------------------------------------------------------------
// Request building helpers

/** A Cosmian vendor attribute (KMIP 2.1 §4.52 VendorAttribute) with a text value. */
export function vendorText(name: string, value: string): KmipRecord {
  return {
    VendorIdentification: "cosmian",
    AttributeName: name,
    AttributeValue: rawNode({ tag: "AttributeValue", type: "TextString", value }),
  };
}

export function vendorBytes(name: string, value: Uint8Array): KmipRecord {
  return {
    VendorIdentification: "cosmian",
    AttributeName: name,
    AttributeValue: rawNode({ tag: "AttributeValue", type: "ByteString", value }),
  };
}

/**
 * An ActivationDate of now: the object starts Active (a Cosmian 5.x server otherwise leaves what a
 * 5.x-form request creates PreActive until an Activate).
 */
export function activeNow(): Date {
  const d = new Date();
  d.setMilliseconds(0);
  return d;
}

/** Attributes carrying the Cosmian `tag` vendor attribute (a JSON list), merged with `extra`. */
export function withTags(tags: string[] | undefined, extra: KmipRecord = {}, vendor: KmipRecord[] = []): KmipRecord {
  const list = [...vendor];
  if (tags?.length) list.push(vendorText("tag", JSON.stringify(tags)));
  return list.length ? { ...extra, Attribute: list } : extra;
}

/** The object a command acts on: `-k ID`, or the JSON list of `-t` tags (Cosmian's tag UID form). */
export function targetUid(keyId: string | undefined, tags: string[] | undefined, what = "key"): string {
  if (keyId && tags?.length) throw new CliError(`give either --key-id or --tag, not both`, 2);
  if (keyId) return keyId;
  if (tags?.length) return JSON.stringify(tags);
  throw new CliError(`give the ${what} with --key-id ID (or --tag TAG)`, 2);
}

/** Text of a vendor attribute value (TextString or UTF-8 ByteString). */
export function attributeText(value: unknown): string | undefined {
  const node = value as TtlvNode | undefined;
  if (!node || typeof node !== "object") return undefined;
  if (node.type === "TextString") return node.value;
  if (node.type === "ByteString") return new TextDecoder().decode(node.value);
  return undefined;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
