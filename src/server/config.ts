/**
 * Server configuration: defaults < TOML config file < environment (KMS_*) < command-line flags.
 * `kms --help` prints every option.
 */
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { LogLevel } from "./log.ts";
import type { ApiKey } from "../auth/identity.ts";
import { jwtProviderProblem, type JwtProvider } from "../auth/jwt.ts";
import { isLoopbackHost } from "../auth/loopback.ts";
import { userNameProblem } from "../auth/names.ts";
import type { DatabaseType } from "../store/open.ts";
import { redactUrl } from "../store/database-url.ts";

export type { ApiKey, JwtProvider };

export interface ServerConfig {
  hostname: string;
  port: number;
  dataDir: string;
  /** The file holding the master key that seals stored objects. Default: <dataDir>/master.key. */
  masterKeyFile?: string;
  /** Where objects live: "sqlite" (<dataDir>/kms.db, the default) or "postgresql" (databaseUrl). */
  databaseType: DatabaseType;
  /** postgres://user:password@host:port/database; never logged with its password. */
  databaseUrl?: string;
  /** Maximum request body, in bytes. */
  maxBodyBytes: number;
  logLevel: LogLevel;
  vendorId: string;
  defaultUsername: string;
  apiKeys: ApiKey[];
  /** `USER:SHA256-HEX-OF-TOKEN` lines, re-read on SIGHUP. */
  apiKeysFile?: string;
  jwtProviders: JwtProvider[];
  /** Allow running without any authentication on a non-loopback address (every caller is the default user). */
  insecureNoAuthOnNetwork?: boolean;
  privilegedUsers?: string[];
  tls?: { certFile: string; keyFile: string; chainFile?: string; clientsCaFile?: string; cipherSuites?: string };
  /** Seconds a client may take to send a request (slow clients are cut). */
  idleTimeoutSeconds: number;
  /** Where the audit trail goes: a file path, or "database". Default: <dataDir>/audit.log. */
  audit?: string;
  /** The KMIP socket server (binary TTLV over mutual TLS); needs the TLS options and a clients' CA. */
  socketServer: { start: boolean; port: number; hostname: string };
  /** HMAC key of the audit checkpoints (64 hex digits; created 0600 if absent). Default: <dataDir>/audit.key. */
  auditKeyFile?: string;
  /** An audit checkpoint every this many records ... */
  auditCheckpointRecords: number;
  /** ... or this many seconds after the first record it does not cover yet. */
  auditCheckpointSeconds: number;
  /** File audit trail: fdatasync each outcome record before the answer ("answer"), or after it ("background"). */
  auditSync: "answer" | "background";
  /** Worker threads for CPU-heavy operations (key generation, PBKDF2, SLH-DSA...); 0 = number of cores minus one. */
  workerThreads: number;
  /** Heavy operations that may wait for a worker; more are refused with Server_Limit_Exceeded. Default 16 per thread. */
  workerQueue?: number;
  /** Batch items a RequestMessage may carry. */
  maxBatchItems: number;
  /** Largest answer the server builds, in bytes (a batch stops there with Response_Too_Large). */
  maxResponseBytes: number;
  /** A PKCS#11 HSM (keys with hsm:: ids, an HSM key-encryption key). */
  hsm?: HsmConfig;
  /** `hsm::<slot>::<key_id>`: the HSM key that seals every stored object (replaces the master key file). */
  keyEncryptionKey?: string;
  /** Serve GET /metrics (Prometheus). */
  metrics?: boolean;
  /** File holding the bearer token GET /metrics requires (implies metrics). */
  metricsTokenFile?: string;
  /** Automatic key rotation: seconds between scans for due keys (0: off). */
  rotationCheckSeconds?: number;
  /** Shortest RotateInterval accepted, in seconds. */
  rotationMinIntervalSeconds?: number;
}

export interface HsmConfig {
  /** softhsm2 or generic. */
  model?: string;
  /** The vendor's PKCS#11 library (default for softhsm2: its Debian path). */
  module?: string;
  /** Slot ids (decimal CK_SLOT_ID) served. */
  slots: string[];
  /** File holding the user PIN (never on the command line). */
  passwordFile?: string;
  /** Users who alone may create and destroy HSM objects (default: admin). */
  admins: string[];
}

/** Where Debian's softhsm2 package puts its PKCS#11 library. */
export const SOFTHSM2_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
export const HSM_MODELS = ["softhsm2", "generic"];

const hsmOf = (c: ServerConfig): HsmConfig => (c.hsm ??= { slots: [], admins: [] });

export const DEFAULTS: ServerConfig = {
  hostname: "127.0.0.1",
  port: 9998,
  dataDir: "./kms-data",
  databaseType: "sqlite",
  maxBodyBytes: 64 * 1024 * 1024,
  logLevel: "info",
  vendorId: "cosmian",
  defaultUsername: "admin",
  apiKeys: [],
  jwtProviders: [],
  idleTimeoutSeconds: 30,
  socketServer: { start: false, port: 5696, hostname: "0.0.0.0" },
  auditCheckpointRecords: 1000,
  auditCheckpointSeconds: 60,
  auditSync: "answer",
  workerThreads: 0,
  maxBatchItems: 1000,
  maxResponseBytes: 64 * 1024 * 1024,
};

function parseBool(name: string, value: string): boolean {
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

interface Option {
  flag: string;
  env?: string;
  toml?: string;
  /** Without `arg`: a switch (`--flag`, env/TOML `true` or `false`). */
  arg?: string;
  help: string;
  /** A switch: takes no value on the command line (`true`/`false` in the environment and TOML). */
  boolean?: true;
  apply(c: ServerConfig, value: string): void;
}

function nonNegativeInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function parseApiKey(value: string): ApiKey {
  const i = value.indexOf(":");
  if (i <= 0 || i === value.length - 1) throw new ConfigError(`--api-key must be USER:TOKEN`);
  const token = value.slice(i + 1);
  if (token.length < 16) throw new ConfigError(`an API key token must be at least 16 characters`);
  return { user: value.slice(0, i), token };
}

function parseJwtProvider(value: string): JwtProvider {
  const [issuer, jwksUri, ...audience] = value.split(",").map((s) => s.trim());
  if (!issuer) throw new ConfigError("--jwt-auth-provider must be ISSUER[,JWKS_URI[,AUDIENCE...]]");
  return { issuer, jwksUri: jwksUri || undefined, audience: audience.length ? audience : undefined };
}

const OPTIONS: Option[] = [
  {
    flag: "--port",
    env: "KMS_PORT",
    toml: "http.port",
    arg: "PORT",
    help: "port to listen on (default 9998; 0 = any free port)",
    apply: (c, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`port must be 0..65535, got "${v}"`);
      c.port = n;
    },
  },
  {
    flag: "--hostname",
    env: "KMS_HOSTNAME",
    toml: "http.hostname",
    arg: "HOST",
    help: "address to listen on (default 127.0.0.1)",
    apply: (c, v) => (c.hostname = v),
  },
  {
    flag: "--data-dir",
    env: "KMS_DATA_DIR",
    toml: "db.data_dir",
    arg: "DIR",
    help: "folder of the SQLite database kms.db (default ./kms-data)",
    apply: (c, v) => (c.dataDir = v),
  },
  {
    flag: "--master-key-file",
    env: "KMS_MASTER_KEY_FILE",
    toml: "db.master_key_file",
    arg: "FILE",
    help: "master key sealing the stored objects (default <data-dir>/master.key, generated for a new database; keep it apart from the database)",
    apply: (c, v) => (c.masterKeyFile = v),
  },
  {
    flag: "--database-type",
    env: "KMS_DATABASE_TYPE",
    toml: "db.database_type",
    arg: "TYPE",
    help: "where objects are stored: sqlite (default, kms.db in --data-dir) or postgresql (--database-url)",
    apply: (c, v) => {
      if (v !== "sqlite" && v !== "postgresql")
        throw new ConfigError(`database type must be sqlite or postgresql, got "${v}"`);
      c.databaseType = v;
    },
  },
  {
    flag: "--database-url",
    env: "KMS_DATABASE_URL",
    toml: "db.database_url",
    arg: "URL",
    help: "postgres://USER:PASSWORD@HOST:5432/DB (with --database-type postgresql)",
    apply: (c, v) => {
      if (!/^postgres(ql)?:\/\//.test(v))
        throw new ConfigError(`the database URL must start with postgres:// or postgresql://, got "${redactUrl(v)}"`);
      c.databaseUrl = v;
    },
  },
  {
    flag: "--max-body-size",
    env: "KMS_MAX_BODY_SIZE",
    toml: "http.max_body_size",
    arg: "BYTES",
    help: "largest request body accepted (default 67108864)",
    apply: (c, v) => (c.maxBodyBytes = positiveInt("max body size", v)),
  },
  {
    flag: "--idle-timeout",
    env: "KMS_IDLE_TIMEOUT",
    toml: "http.idle_timeout",
    arg: "SECONDS",
    help: "close connections idle this long (default 30)",
    apply: (c, v) => (c.idleTimeoutSeconds = Math.min(255, positiveInt("idle timeout", v))),
  },
  {
    flag: "--worker-threads",
    env: "KMS_WORKER_THREADS",
    toml: "limits.worker_threads",
    arg: "N",
    help: "threads for CPU-heavy operations: key generation, PBKDF2, SLH-DSA... (default 0 = number of cores minus one, at least 1)",
    apply: (c, v) => (c.workerThreads = nonNegativeInt("worker threads", v)),
  },
  {
    flag: "--worker-queue",
    env: "KMS_WORKER_QUEUE",
    toml: "limits.worker_queue",
    arg: "N",
    help: "heavy operations that may wait for a thread; more are refused with Server_Limit_Exceeded (default 16 per thread)",
    apply: (c, v) => (c.workerQueue = nonNegativeInt("worker queue", v)),
  },
  {
    flag: "--max-batch-items",
    env: "KMS_MAX_BATCH_ITEMS",
    toml: "limits.max_batch_items",
    arg: "N",
    help: "batch items one RequestMessage may carry (default 1000)",
    apply: (c, v) => (c.maxBatchItems = positiveInt("max batch items", v)),
  },
  {
    flag: "--max-response-size",
    env: "KMS_MAX_RESPONSE_SIZE",
    toml: "limits.max_response_size",
    arg: "BYTES",
    help: "largest answer built; a batch stops there with Response_Too_Large (default 67108864)",
    apply: (c, v) => (c.maxResponseBytes = positiveInt("max response size", v)),
  },
  {
    flag: "--log-level",
    env: "KMS_LOG_LEVEL",
    toml: "logging.level",
    arg: "LEVEL",
    help: "debug, info, warn or error (default info)",
    apply: (c, v) => {
      if (!["debug", "info", "warn", "error"].includes(v))
        throw new ConfigError(`log level must be debug, info, warn or error`);
      c.logLevel = v as LogLevel;
    },
  },
  {
    flag: "--tls-cert-file",
    env: "KMS_TLS_CERT_FILE",
    toml: "tls.cert_file",
    arg: "PEM",
    help: "server certificate (PEM): serve HTTPS, TLS 1.2+ only",
    apply: (c, v) => (c.tls = { ...(c.tls ?? { keyFile: "" }), certFile: v }),
  },
  {
    flag: "--tls-key-file",
    env: "KMS_TLS_KEY_FILE",
    toml: "tls.key_file",
    arg: "PEM",
    help: "server private key (PEM)",
    apply: (c, v) => (c.tls = { ...(c.tls ?? { certFile: "" }), keyFile: v }),
  },
  {
    flag: "--tls-chain-file",
    env: "KMS_TLS_CHAIN_FILE",
    toml: "tls.chain_file",
    arg: "PEM",
    help: "intermediate certificates (PEM)",
    apply: (c, v) => (c.tls = { ...(c.tls ?? { certFile: "", keyFile: "" }), chainFile: v }),
  },
  {
    flag: "--clients-ca-cert-file",
    env: "KMS_CLIENTS_CA_CERT_FILE",
    toml: "tls.clients_ca_cert_file",
    arg: "PEM",
    help: "CA of client certificates: enables TLS client authentication (user = subject CN)",
    apply: (c, v) => (c.tls = { ...(c.tls ?? { certFile: "", keyFile: "" }), clientsCaFile: v }),
  },
  {
    flag: "--audit",
    env: "KMS_AUDIT",
    toml: "audit.destination",
    arg: "FILE|database",
    help: "audit trail (hash-chained, HMAC checkpoints; check with `kms audit verify`): a JSON-lines file or the database (default <data-dir>/audit.log)",
    apply: (c, v) => (c.audit = v),
  },
  {
    flag: "--tls-cipher-suites",
    env: "KMS_TLS_CIPHER_SUITES",
    toml: "tls.cipher_suites",
    arg: "LIST",
    help: "TLS 1.2 cipher suites, OpenSSL syntax (default: ECDHE with AES-GCM or ChaCha20-Poly1305)",
    apply: (c, v) => (c.tls = { ...(c.tls ?? { certFile: "", keyFile: "" }), cipherSuites: v }),
  },
  {
    flag: "--api-keys-file",
    env: "KMS_API_KEYS_FILE",
    toml: "auth.api_keys_file",
    arg: "FILE",
    help: "API keys, one USER:SHA256-HEX-OF-TOKEN per line (# comments); re-read on SIGHUP. Preferred to --api-key",
    apply: (c, v) => (c.apiKeysFile = v),
  },
  {
    flag: "--api-key",
    env: "KMS_API_KEYS",
    toml: "auth.api_keys",
    arg: "USER:TOKEN",
    help: "accept `Authorization: Bearer TOKEN` as USER (repeatable; env: comma-separated). The token shows in `ps`: prefer --api-keys-file",
    apply: (c, v) => c.apiKeys.push(...v.split(",").filter(Boolean).map(parseApiKey)),
  },
  {
    flag: "--jwt-auth-provider",
    env: "KMS_JWT_AUTH_PROVIDER",
    toml: "auth.jwt_auth_provider",
    arg: "ISSUER,JWKS_URI,AUD...",
    help: "accept JWTs of this OIDC issuer (repeatable); user = email claim",
    apply: (c, v) => c.jwtProviders.push(parseJwtProvider(v)),
  },
  {
    flag: "--insecure-no-auth-on-network",
    env: "KMS_INSECURE_NO_AUTH_ON_NETWORK",
    toml: "auth.insecure_no_auth_on_network",
    help: "allow no authentication on a non-loopback --hostname (anyone who can connect is the default user)",
    apply: (c, v) => (c.insecureNoAuthOnNetwork = parseBool("--insecure-no-auth-on-network", v)),
  },
  {
    flag: "--audit-key-file",
    env: "KMS_AUDIT_KEY_FILE",
    toml: "audit.key_file",
    arg: "FILE",
    help: "HMAC key of the audit checkpoints, created (0600) if absent; keep a copy off the server (default <data-dir>/audit.key)",
    apply: (c, v) => (c.auditKeyFile = v),
  },
  {
    flag: "--audit-checkpoint-records",
    env: "KMS_AUDIT_CHECKPOINT_RECORDS",
    toml: "audit.checkpoint_records",
    arg: "N",
    help: "an audit checkpoint every N records (default 1000)",
    apply: (c, v) => (c.auditCheckpointRecords = positiveInt("audit checkpoint records", v)),
  },
  {
    flag: "--audit-checkpoint-seconds",
    env: "KMS_AUDIT_CHECKPOINT_SECONDS",
    toml: "audit.checkpoint_seconds",
    arg: "T",
    help: "... or T seconds after the first record not yet covered (default 60)",
    apply: (c, v) => (c.auditCheckpointSeconds = positiveInt("audit checkpoint seconds", v)),
  },
  {
    flag: "--audit-sync",
    env: "KMS_AUDIT_SYNC",
    toml: "audit.sync",
    arg: "answer|background",
    help: "file trail: fdatasync each record before its answer (default), or right after it without waiting (faster; a power loss may lose the last milliseconds of records, a crash of the process none)",
    apply: (c, v) => {
      if (v !== "answer" && v !== "background")
        throw new ConfigError(`--audit-sync must be answer or background, got "${v}"`);
      c.auditSync = v;
    },
  },
  {
    flag: "--default-username",
    env: "KMS_DEFAULT_USERNAME",
    toml: "default_username",
    arg: "USER",
    help: "the user when no authentication is configured (default admin)",
    apply: (c, v) => (c.defaultUsername = v),
  },
  {
    flag: "--privileged-users",
    env: "KMS_PRIVILEGED_USERS",
    toml: "privileged_users",
    arg: "U1,U2",
    help: "only these users may create objects (default: everyone)",
    apply: (c, v) =>
      (c.privilegedUsers = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)),
  },
  {
    flag: "--socket-server-start",
    env: "KMS_SOCKET_SERVER_START",
    toml: "socket_server.socket_server_start",
    arg: "BOOL",
    help: "also serve binary KMIP (TTLV) over mutual TLS; needs --tls-cert-file, --tls-key-file and --clients-ca-cert-file (default false)",
    apply: (c, v) => (c.socketServer.start = parseBool("--socket-server-start", v)),
  },
  {
    flag: "--socket-server-port",
    env: "KMS_SOCKET_SERVER_PORT",
    toml: "socket_server.socket_server_port",
    arg: "PORT",
    help: "port of the KMIP socket server (default 5696; 0 = any free port)",
    apply: (c, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535)
        throw new ConfigError(`socket server port must be 0..65535, got "${v}"`);
      c.socketServer.port = n;
    },
  },
  {
    flag: "--socket-server-hostname",
    env: "KMS_SOCKET_SERVER_HOSTNAME",
    toml: "socket_server.socket_server_hostname",
    arg: "HOST",
    help: "address of the KMIP socket server (default 0.0.0.0)",
    apply: (c, v) => (c.socketServer.hostname = v),
  },
  {
    flag: "--hsm-model",
    env: "KMS_HSM_MODEL",
    toml: "hsm_model",
    arg: "MODEL",
    help: "PKCS#11 HSM: softhsm2 or generic (any PKCS#11 v2.40 library, named by --hsm-module)",
    apply: (c, v) => {
      if (!HSM_MODELS.includes(v)) throw new ConfigError(`--hsm-model must be ${HSM_MODELS.join(" or ")}, got "${v}"`);
      hsmOf(c).model = v;
    },
  },
  {
    flag: "--hsm-module",
    env: "KMS_HSM_MODULE",
    toml: "hsm_module",
    arg: "FILE",
    help: `the HSM vendor's PKCS#11 library (default for softhsm2: ${SOFTHSM2_MODULE})`,
    apply: (c, v) => (hsmOf(c).module = v),
  },
  {
    flag: "--hsm-slot",
    env: "KMS_HSM_SLOT",
    toml: "hsm_slot",
    arg: "N",
    help: "HSM slot id to serve (repeatable; env: comma-separated); keys there are hsm::N::<key_id>",
    apply: (c, v) => {
      for (const s of v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)) {
        if (!/^\d{1,20}$/.test(s)) throw new ConfigError(`--hsm-slot must be a decimal slot id, got "${s}"`);
        if (!hsmOf(c).slots.includes(s)) hsmOf(c).slots.push(s);
      }
    },
  },
  {
    flag: "--hsm-password-file",
    env: "KMS_HSM_PASSWORD_FILE",
    toml: "hsm_password_file",
    arg: "FILE",
    help: "file holding the HSM user PIN (the PIN itself is never taken on the command line)",
    apply: (c, v) => (hsmOf(c).passwordFile = v),
  },
  {
    flag: "--hsm-admin",
    env: "KMS_HSM_ADMIN",
    toml: "hsm_admin",
    arg: "U1,U2",
    help: "users who alone may create and destroy HSM keys (default admin)",
    apply: (c, v) =>
      (hsmOf(c).admins = v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)),
  },
  {
    flag: "--key-encryption-key",
    env: "KMS_KEY_ENCRYPTION_KEY",
    toml: "key_encryption_key",
    arg: "hsm::SLOT::ID",
    help: "an HSM key sealing every stored object instead of the master key file (may be created through the API after start)",
    apply: (c, v) => {
      if (!/^hsm::(\d+|[a-z0-9]+::\d+)::.+/.test(v))
        throw new ConfigError(`--key-encryption-key must name an HSM key, hsm::<slot>::<key_id>, got "${v}"`);
      c.keyEncryptionKey = v;
    },
  },
  {
    flag: "--metrics",
    env: "KMS_METRICS",
    toml: "metrics.enabled",
    boolean: true,
    help: "serve Prometheus metrics at GET /metrics (no authentication)",
    apply: (c, v) => (c.metrics = parseBool("--metrics", v)),
  },
  {
    flag: "--metrics-token-file",
    env: "KMS_METRICS_TOKEN_FILE",
    toml: "metrics.token_file",
    arg: "FILE",
    help: "serve GET /metrics to `Authorization: Bearer <token in FILE>` only",
    apply: (c, v) => (c.metricsTokenFile = v),
  },
  {
    flag: "--rotation-check-interval",
    env: "KMS_ROTATION_CHECK_INTERVAL",
    toml: "rotation.check_interval",
    arg: "SECS",
    help: "seconds between scans for keys due for automatic rotation (default 1; 0 = off)",
    apply: (c, v) => (c.rotationCheckSeconds = nonNegativeInt("--rotation-check-interval", v)),
  },
  {
    flag: "--rotation-min-interval",
    env: "KMS_ROTATION_MIN_INTERVAL",
    toml: "rotation.min_interval",
    arg: "SECS",
    help: "shortest RotateInterval accepted (default 5 seconds)",
    apply: (c, v) => (c.rotationMinIntervalSeconds = nonNegativeInt("--rotation-min-interval", v)),
  },
  {
    flag: "--vendor-identification",
    env: "KMS_VENDOR_IDENTIFICATION",
    toml: "vendor_identification",
    arg: "ID",
    help: "vendor id of vendor attributes (default cosmian)",
    apply: (c, v) => (c.vendorId = v),
  },
];

export class ConfigError extends Error {}

export function helpText(program = "kms"): string {
  const lines = [
    `Usage: ${program} [options]`,
    "",
    "A KMIP key management server: KMIP 2.1 JSON TTLV, compatible with Cosmian KMS clients, and binary",
    "TTLV (KMIP 1.0 to 2.1) on POST /kmip (application/octet-stream) and on the socket server.",
    "",
    "Options (environment variable in brackets):",
    "  -c, --config FILE              TOML configuration file [KMS_CONFIG]",
  ];
  for (const o of OPTIONS) {
    const left = `      ${o.flag}${o.arg ? ` ${o.arg}` : ""}`;
    lines.push(`${left.length >= 33 ? `${left}  ` : left.padEnd(33)}${o.help}${o.env ? ` [${o.env}]` : ""}`);
  }
  lines.push("  -h, --help                     print this help", "  -V, --version                  print the version");
  return lines.join("\n");
}

function tomlValue(doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export type ParsedArgs = { kind: "run"; config: ServerConfig } | { kind: "help" } | { kind: "version" };

export function loadConfig(argv: string[], env: Record<string, string | undefined> = process.env): ParsedArgs {
  const c: ServerConfig = structuredClone(DEFAULTS);
  const flags: [Option, string][] = [];
  let configFile = env.KMS_CONFIG;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return { kind: "help" };
    if (arg === "-V" || arg === "--version") return { kind: "version" };
    const [name, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const option = OPTIONS.find((o) => o.flag === name);
    const value = () => {
      if (inline !== undefined) return inline;
      if (option?.boolean) return "true";
      const next = argv[++i];
      if (next === undefined) throw new ConfigError(`${name} needs a value`);
      return next;
    };
    if (name === "-c" || name === "--config") {
      configFile = value();
      continue;
    }
    if (!option) throw new ConfigError(`unknown option ${name} (see --help)`);
    flags.push([option, option.arg ? value() : (inline ?? "true")]);
  }
  if (configFile) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(readFileSync(configFile, "utf8")) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(`cannot read the config file ${configFile}: ${(e as Error).message}`);
    }
    for (const o of OPTIONS) {
      if (!o.toml) continue;
      const v = tomlValue(doc, o.toml);
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) o.apply(c, String(item));
    }
  }
  for (const o of OPTIONS) {
    const v = o.env ? env[o.env] : undefined;
    if (v !== undefined && v !== "") o.apply(c, v);
  }
  for (const [o, v] of flags) o.apply(c, v);
  if (c.databaseType === "postgresql" && !c.databaseUrl)
    throw new ConfigError("--database-type postgresql needs --database-url (or KMS_DATABASE_URL)");
  if (c.tls && (!c.tls.certFile || !c.tls.keyFile))
    throw new ConfigError("TLS needs both --tls-cert-file and --tls-key-file");
  if (c.socketServer.start && !c.tls?.clientsCaFile) {
    throw new ConfigError(
      "the socket server (--socket-server-start) needs --tls-cert-file, --tls-key-file and --clients-ca-cert-file",
    );
  }
  if (c.hsm) {
    const h = c.hsm;
    h.model ??= "softhsm2";
    if (h.model === "softhsm2") h.module ??= SOFTHSM2_MODULE;
    if (!h.module) throw new ConfigError(`--hsm-model ${h.model} needs --hsm-module (the vendor's PKCS#11 library)`);
    if (h.slots.length === 0) throw new ConfigError("an HSM needs --hsm-slot (the slot id of its token)");
    if (!h.passwordFile) throw new ConfigError("an HSM needs --hsm-password-file (a file holding the user PIN)");
    if (h.admins.length === 0) h.admins = [c.defaultUsername];
  }
  if (c.keyEncryptionKey && !c.hsm)
    throw new ConfigError("--key-encryption-key hsm::... needs an HSM (--hsm-model, --hsm-slot, --hsm-password-file)");
  checkConfig(c);
  return { kind: "run", config: c };
}

/** Rules that need the whole configuration; also run by startServer. Throws ConfigError. */
export function checkConfig(c: ServerConfig): void {
  for (const [what, name] of [
    ["--default-username", c.defaultUsername],
    ...c.apiKeys.map((k) => ["--api-key user", k.user]),
  ] as const) {
    const problem = userNameProblem(name);
    if (problem) throw new ConfigError(`${what} ${JSON.stringify(name)}: ${problem}`);
  }
  for (const p of c.jwtProviders) {
    const problem = jwtProviderProblem(p);
    if (problem) throw new ConfigError(problem);
  }
  const authenticated = c.apiKeys.length > 0 || !!c.apiKeysFile || c.jwtProviders.length > 0 || !!c.tls?.clientsCaFile;
  if (!authenticated && !isLoopbackHost(c.hostname) && !c.insecureNoAuthOnNetwork) {
    throw new ConfigError(
      `refusing to listen on ${c.hostname} without authentication: anyone who can connect would be "${c.defaultUsername}". ` +
        "Configure --api-keys-file, --jwt-auth-provider or --clients-ca-cert-file, listen on 127.0.0.1, or pass --insecure-no-auth-on-network",
    );
  }
}
